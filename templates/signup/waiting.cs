<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.WaitingTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Signup.WaitingTitle ?></h1>
  <p class="place"><?cs var:Lang.Signup.Place ?> <strong><?cs var:Page.Place ?></strong></p>
  <p><?cs var:Lang.Signup.WaitingText ?></p>
  <p><a href="/account/"><?cs var:Lang.Signup.MyAccount ?></a></p>
</section>
<?cs /def ?>
