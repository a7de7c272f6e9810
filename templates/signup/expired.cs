<?cs set:Page.Title = Lang.Signup.ExpiredTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Signup.ExpiredTitle ?></h1>
  <p><?cs var:Lang.Signup.ExpiredText ?></p>
  <p class="actions"><a class="button primary" href="/account/"><?cs var:Lang.Signup.MyAccount ?></a> <a href="/account/signup"><?cs var:Lang.Signup.Again ?></a></p>
</section>
<?cs /def ?>
