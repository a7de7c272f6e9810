<?cs set:Page.Title = Lang.Account.ExpiredTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.ExpiredTitle ?></h1>
  <p><?cs var:Lang.Account.ExpiredText ?></p>
  <p><a href="/account/login"><?cs var:Lang.Account.Again ?></a></p>
</section>
<?cs /def ?>
