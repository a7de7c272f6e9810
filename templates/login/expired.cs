<?cs set:Page.Title = Lang.Account.ExpiredTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.ExpiredTitle ?></h1>
  <p><?cs var:Lang.Account.ExpiredText ?></p>
  <p><a href="<?cs if:Page.Again ?><?cs var:Page.Again ?><?cs else ?>/account/login<?cs /if ?>"><?cs var:Lang.Account.Again ?></a></p>
</section>
<?cs /def ?>
