<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.ConfirmTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.ConfirmTitle ?></h1>
  <p><?cs var:Lang.Account.ConfirmText ?></p>
  <form method="post" action="/account/login/confirm" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="token" value="<?cs var:Page.Token ?>">
    <button type="submit" class="primary"><?cs var:Lang.Account.ConfirmSubmit ?></button>
  </form>
</section>
<?cs /def ?>
