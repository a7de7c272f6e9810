<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.HomeTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.HomeTitle ?></h1>
  <p><?cs var:Lang.Account.SignedInAs ?> <strong><?cs if:Customer.Name ?><?cs var:Customer.Name ?> · <?cs /if ?><?cs var:Customer.Email ?></strong></p>
  <form method="post" action="/account/logout">
    <?cs call:csrf_field() ?>
    <button type="submit"><?cs var:Lang.Account.SignOut ?></button>
  </form>
</section>
<?cs /def ?>
