<?cs set:Page.Title = Lang.Account.DeletedTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.DeletedTitle ?></h1>
  <p><?cs var:Lang.Account.DeletedText ?></p>
</section>
<?cs /def ?>
