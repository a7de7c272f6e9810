<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.Title ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.Title ?></h1>
  <p><?cs var:Lang.Account.Intro ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/account/login" class="form">
    <?cs call:csrf_field() ?>
    <?cs if:Page.Next ?><input type="hidden" name="next" value="<?cs var:Page.Next ?>"><?cs /if ?>
    <label for="email"><?cs var:Lang.Account.Email ?></label>
    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="<?cs var:Page.Email ?>">
    <?cs call:field_error("email") ?>
    <button type="submit" class="primary"><?cs var:Lang.Account.Send ?></button>
  </form>
  <p class="muted"><a href="/account/login/code"><?cs var:Lang.Account.HaveCode ?></a></p>
</section>
<?cs /def ?>
