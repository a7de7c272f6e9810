<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.SentTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.SentTitle ?></h1>
  <?cs if:Page.Email ?><p><?cs var:Lang.Account.SentTo ?> <strong><?cs call:email_text(Page.Email) ?></strong><?cs var:Lang.Account.SentOnItsWay ?></p><?cs /if ?>
  <p><?cs var:Lang.Account.SentHelp ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/account/login/code" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="handle" value="<?cs var:Page.Handle ?>">
    <label for="code"><?cs var:Lang.Account.Code ?></label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="\s*[0-9](\s*[\-.]?\s*[0-9]){5}\s*" maxlength="16" required class="code">
    <button type="submit" class="primary"><?cs var:Lang.Account.CodeSubmit ?></button>
  </form>
  <p class="muted"><a href="/account/login"><?cs var:Lang.Account.Again ?></a></p>
</section>
<?cs /def ?>
