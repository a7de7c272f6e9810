<?cs set:Page.Title = Lang.Account.LinkExpiredTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.LinkExpiredTitle ?></h1>
  <p><?cs var:Page.ExpiredText ?></p>
  <p><a href="<?cs if:Page.Again ?><?cs var:Page.Again ?><?cs else ?>/account/<?cs /if ?>"><?cs var:Lang.Account.HomeTitle ?></a></p>
</section>
<?cs /def ?>
