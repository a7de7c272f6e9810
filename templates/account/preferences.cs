<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.PreferencesTitle ?><?cs def:content() ?>
<div class="account-page">
<p class="crumbs"><a href="/account/">← <?cs var:Lang.Account.HomeTitle ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Account.PreferencesTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <p><?cs if:Page.Marketing == 1 ?><?cs var:Lang.Account.MarketingIsOn ?><?cs else ?><?cs var:Lang.Account.MarketingIsOff ?><?cs /if ?><?cs if:Page.Since ?> <span class="muted">(<?cs var:Page.Channel ?>, <?cs var:Page.Since ?>)</span><?cs /if ?></p>
  <form method="post" action="/account/preferences" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="text_id" value="<?cs var:Page.TextId ?>">
    <fieldset class="choices">
      <legend><?cs var:Lang.Account.MarketingLegend ?></legend>
      <label class="check"><input type="radio" name="marketing" value="1"<?cs if:Page.Marketing == 1 ?> checked<?cs /if ?>> <?cs var:Lang.Account.MarketingYes ?></label>
      <blockquote class="note-body account-wording"><?cs var:Page.Wording ?></blockquote>
      <label class="check"><input type="radio" name="marketing" value="0"<?cs if:Page.Marketing != 1 ?> checked<?cs /if ?>> <?cs var:Lang.Account.MarketingNo ?></label>
    </fieldset>
    <p class="muted"><?cs var:Lang.Account.SystemMailHelp ?></p>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Account.Save ?></button>
    </div>
  </form>
</section>
</div>
<?cs /def ?>
