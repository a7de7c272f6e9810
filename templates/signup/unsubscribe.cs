<?cs include:"macros.cs" ?><?cs if:Page.State == "ask" ?><?cs set:Page.Title = Lang.Unsubscribe.Title ?><?cs elif:Page.State == "done" ?><?cs set:Page.Title = Lang.Unsubscribe.DoneTitle ?><?cs else ?><?cs set:Page.Title = Lang.Unsubscribe.InvalidTitle ?><?cs /if ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Page.Title ?></h1>
<?cs if:Page.State == "ask" ?>
  <p><?cs var:Lang.Unsubscribe.Ask ?> <?cs var:Shop.Name ?> <?cs var:Lang.Unsubscribe.AskTo ?> <strong><?cs call:email_text(Page.Email) ?></strong>.</p>
  <form method="post" action="/account/unsubscribe?token=<?cs var:url_escape(Page.Token) ?>" class="form">
    <input type="hidden" name="List-Unsubscribe" value="One-Click">
    <button type="submit" class="primary"><?cs var:Lang.Unsubscribe.Submit ?></button>
  </form>
  <p class="muted"><?cs var:Lang.Unsubscribe.SystemMail ?></p>
<?cs elif:Page.State == "done" ?>
  <p role="status"><?cs if:Page.Email ?><?cs var:Lang.Unsubscribe.DoneFor ?> <strong><?cs call:email_text(Page.Email) ?></strong>.<?cs else ?><?cs var:Lang.Unsubscribe.Done ?><?cs /if ?></p>
  <p class="muted"><?cs var:Lang.Unsubscribe.SystemMail ?></p>
  <p><?cs var:Lang.Unsubscribe.Again ?> <a href="/account/"><?cs var:Lang.Unsubscribe.Account ?></a>.</p>
<?cs else ?>
  <p<?cs if:Page.Message ?> class="alert" role="alert"<?cs /if ?>><?cs if:Page.Message ?><?cs var:Page.Message ?><?cs else ?><?cs var:Lang.Unsubscribe.InvalidText ?><?cs /if ?></p>
  <p><a href="/account/"><?cs var:Lang.Unsubscribe.AccountLink ?></a></p>
<?cs /if ?>
</section>
<?cs /def ?>
