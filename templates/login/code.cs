<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.CodeTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.CodeTitle ?></h1>
  <p><?cs var:Lang.Account.CodeIntro ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/account/login/code" class="form">
    <?cs call:csrf_field() ?>
    <label for="email"><?cs var:Lang.Account.Email ?></label>
    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="<?cs var:Page.Email ?>">
    <?cs call:field_error("email") ?>
    <label for="code"><?cs var:Lang.Account.Code ?></label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="\s*[0-9](\s*[\-.]?\s*[0-9]){5}\s*" maxlength="16" required class="code">
    <?cs call:field_error("code") ?>
    <button type="submit" class="primary"><?cs var:Lang.Account.CodeSubmit ?></button>
  </form>
  <p class="muted"><?cs var:Lang.Account.CodeNoMail ?> <a href="/account/login"><?cs var:Lang.Account.Again ?></a></p>
</section>
<?cs /def ?>
