<?cs include:"macros.cs" ?><?cs include:"groups/mailing-parts.cs" ?><?cs set:Page.Title = Lang.Mailing.Title ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Mailing.Title ?></h1>
  <a href="/admin/segments/mailings"><?cs var:Lang.Mailing.AllMailings ?></a>
</div>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<div class="mailing-compose">
<section class="card form-card">
  <p class="mailing-target"><strong><?cs var:Lang.Mailing.To ?></strong> <?cs var:Lang.Mailing.Target[Page.Target.kind] ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.Target.label ?><?cs var:Lang.Typo.Close ?> —
    <?cs var:Page.Count.members ?> <?cs call:plural(Page.Count.members, Lang.Mailing.CustomerOne, Lang.Mailing.CustomerMany) ?></p>
  <form method="post" action="/admin/segments/mail" class="form" id="mailing-form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="target" value="<?cs var:Page.Target.value ?>">
    <input type="hidden" name="once" value="<?cs var:Page.Once ?>"><?cs if:Page.Checked ?>
    <input type="hidden" name="checked" value="<?cs var:Page.Checked ?>"><?cs /if ?>
    <fieldset class="choices">
      <legend><?cs var:Lang.Mailing.Kind ?></legend>
      <label class="check"><input type="radio" name="kind" value="marketing"<?cs if:Page.Form.kind != "system" ?> checked<?cs /if ?>> <span><strong><?cs var:Lang.Mailing.Marketing ?></strong><br><span class="muted"><?cs var:Lang.Mailing.MarketingHelp ?> <strong id="count-marketing"><?cs var:Page.Count.marketing ?> <?cs call:plural(Page.Count.marketing, Lang.Mailing.CustomerOne, Lang.Mailing.CustomerMany) ?></strong>.</span></span></label>
      <label class="check"><input type="radio" name="kind" value="system"<?cs if:Page.Form.kind == "system" ?> checked<?cs /if ?>> <span><strong><?cs var:Lang.Mailing.System ?></strong><br><span class="muted"><?cs var:Lang.Mailing.SystemHelp ?> <strong id="count-system"><?cs var:Page.Count.system ?> <?cs call:plural(Page.Count.system, Lang.Mailing.CustomerOne, Lang.Mailing.CustomerMany) ?></strong>.</span></span></label>
    </fieldset>
    <p class="muted"><?cs var:Lang.Mailing.Never ?></p>
    <label for="subject"><?cs var:Lang.Mailing.Subject ?></label>
    <input id="subject" name="subject" type="text" maxlength="200" required value="<?cs var:Page.Form.subject ?>"<?cs if:Page.Errors.subject ?> aria-invalid="true" aria-describedby="subject-error"<?cs /if ?>>
    <?cs call:field_error("subject") ?>
    <label for="text"><?cs var:Lang.Mailing.Text ?></label>
    <textarea id="text" name="text" rows="10" maxlength="5000" required aria-describedby="text-help<?cs if:Page.Errors.text ?> text-error<?cs /if ?>"<?cs if:Page.Errors.text ?> aria-invalid="true"<?cs /if ?>><?cs var:Page.Form.text ?></textarea>
    <p class="muted" id="text-help"><?cs var:Lang.Mailing.TextHelp ?></p>
    <?cs call:field_error("text") ?>
    <div class="actions">
      <button type="submit" name="action" value="preview"<?cs if:!Page.Preview.Subject ?> class="primary"<?cs /if ?>><?cs var:Lang.Mailing.Preview ?></button>
    </div>
  </form>
</section>
<?cs if:Page.Preview.Subject ?>
<section class="card mailing-preview-card" id="preview" aria-labelledby="preview-title">
  <h2 id="preview-title"><?cs var:Lang.Mailing.PreviewTitle ?></h2>
  <p class="muted"><?cs var:Lang.Mailing.PreviewCount ?> <strong><?cs var:Page.Recipients ?> <?cs call:plural(Page.Recipients, Lang.Mailing.CustomerOne, Lang.Mailing.CustomerMany) ?></strong> (<?cs var:Lang.Mailing.Kinds[Page.Form.kind] ?>).</p>
  <?cs call:mail_preview(Page.Form.kind) ?><?cs if:Page.Tested ?>
  <p class="notice" role="status" id="tested"><?cs var:Lang.Mailing.TestSent ?> <strong><?cs var:Page.Tested ?></strong>. <?cs var:Lang.Mailing.TestSentHelp ?></p><?cs /if ?>
  <div class="actions mailing-send">
    <button type="submit" form="mailing-form" name="action" value="test"><?cs var:Lang.Mailing.Test ?></button>
    <button type="submit" form="mailing-form" name="action" value="send" class="primary"><?cs var:Lang.Mailing.SendTo ?> <?cs var:Page.Recipients ?> <?cs call:plural(Page.Recipients, Lang.Mailing.CustomerOne, Lang.Mailing.CustomerMany) ?></button>
  </div>
</section>
<?cs /if ?>
</div>
<?cs /def ?>
