<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.DeleteTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.DeleteTitle ?></h1>
  <p><?cs var:Lang.Account.DeleteConfirmText ?> <strong class="email"><?cs call:email_text(Page.Email) ?></strong></p>
  <p><?cs var:Lang.Account.DeleteFinal ?></p>
  <form method="post" action="/account/delete/confirm" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="token" value="<?cs var:Page.Token ?>">
    <button type="submit" class="danger"><?cs var:Lang.Account.DeleteNow ?></button>
  </form>
</section>
<?cs /def ?>
