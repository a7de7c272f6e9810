<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Reset.Title ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Reset.Title ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/login/reset" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="token" value="<?cs var:Page.Token ?>">
    <label for="password"><?cs var:Lang.Reset.Password ?></label>
    <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10" maxlength="1024">
    <p class="muted"><?cs var:Lang.Reset.Help ?></p>
    <button type="submit" class="primary"><?cs var:Lang.Reset.Submit ?></button>
  </form>
</section>
<?cs /def ?>
