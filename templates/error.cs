<?cs set:Page.Title = Page.Error.Title ?><?cs def:content() ?>
<section class="card narrow error-page">
  <p class="error-code"><?cs var:Page.Error.Status ?></p>
  <h1><?cs var:Page.Error.Title ?></h1>
  <?cs if:Page.Error.Message ?><p><?cs var:Page.Error.Message ?></p><?cs /if ?>
  <p><a href="<?cs var:Page.Home ?>"><?cs var:Lang.Error.Home ?></a></p>
</section>
<?cs /def ?>
