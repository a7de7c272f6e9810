<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Login.Title ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Login.Title ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/login" class="form">
    <?cs call:csrf_field() ?>
    <?cs if:Page.Next ?><input type="hidden" name="next" value="<?cs var:Page.Next ?>"><?cs /if ?>
    <label for="email"><?cs var:Lang.Login.Email ?></label>
    <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="<?cs var:Page.Email ?>">
    <?cs call:field_error("email") ?>
    <label for="password"><?cs var:Lang.Login.Password ?></label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
    <?cs call:field_error("password") ?>
    <button type="submit" class="primary"><?cs var:Lang.Login.Submit ?></button>
  </form>
  <p class="muted"><a href="/admin/login/forgot"><?cs var:Lang.Login.Forgot ?></a></p>
</section>
<?cs /def ?>
