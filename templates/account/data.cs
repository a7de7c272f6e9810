<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.DataTitle ?><?cs def:content() ?>
<div class="account-page">
<p class="crumbs"><a href="/account/">← <?cs var:Lang.Account.HomeTitle ?></a></p>
<section class="card">
  <h1><?cs var:Lang.Account.DataTitle ?></h1>
  <p><?cs var:Lang.Account.DataIntro ?></p>
  <ul>
    <li><?cs var:Lang.Account.DataProfile ?></li>
    <li><?cs var:Lang.Account.DataOrders ?></li>
    <li><?cs var:Lang.Account.DataConsent ?></li>
    <li><?cs var:Lang.Account.DataMails ?></li>
  </ul>
  <p class="muted"><?cs var:Lang.Account.DataFormat ?></p>
  <form method="post" action="/account/data">
    <?cs call:csrf_field() ?>
    <button type="submit" class="primary"><?cs var:Lang.Account.DataDownload ?></button>
  </form>
</section>
</div>
<?cs /def ?>
