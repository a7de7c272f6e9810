<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.ConfirmTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Signup.ConfirmTitle ?></h1>
  <p><?cs var:Lang.Signup.ConfirmText ?></p>
  <form method="post" action="/account/signup/confirm" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="token" value="<?cs var:Page.Token ?>">
    <button type="submit" class="primary"><?cs var:Lang.Signup.ConfirmSubmit ?></button>
  </form>
</section>
<?cs /def ?>
