<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Forgot.Title ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Forgot.Title ?></h1>
  <?cs if:Page.Sent ?>
  <p><?cs var:Lang.Forgot.SentTo ?> <strong><?cs call:email_text(Page.Email) ?></strong><?cs var:Lang.Forgot.SentHelp ?></p>
  <p class="muted"><a href="/admin/login"><?cs var:Lang.Forgot.Back ?></a></p>
  <?cs else ?>
  <p><?cs var:Lang.Forgot.Intro ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/login/forgot" class="form">
    <?cs call:csrf_field() ?>
    <label for="email"><?cs var:Lang.Login.Email ?></label>
    <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="<?cs var:Page.Email ?>">
    <button type="submit" class="primary"><?cs var:Lang.Forgot.Submit ?></button>
  </form>
  <p class="muted"><a href="/admin/login"><?cs var:Lang.Forgot.Back ?></a></p>
  <?cs /if ?>
</section>
<?cs /def ?>
