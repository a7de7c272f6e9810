<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.DeleteTitle ?><?cs def:content() ?>
<div class="account-page">
<p class="crumbs"><a href="/account/">← <?cs var:Lang.Account.HomeTitle ?></a></p>
<section class="card">
  <h1><?cs var:Lang.Account.DeleteTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <p><?cs var:Lang.Account.DeleteIntro ?></p>
  <ul>
    <li><?cs var:Lang.Account.DeleteGone ?></li>
    <li><?cs var:Lang.Account.DeleteKept ?></li>
  </ul>
  <p><strong><?cs var:Lang.Account.DeleteFinal ?></strong></p>
  <p><a href="/account/data"><?cs var:Lang.Account.DeleteDataFirst ?></a></p>
  <form method="post" action="/account/delete">
    <?cs call:csrf_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Account.DeleteSend ?></button>
  </form>
</section>
</div>
<?cs /def ?>
