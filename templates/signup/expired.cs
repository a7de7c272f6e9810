<?cs set:Page.Title = Lang.Signup.ExpiredTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Signup.ExpiredTitle ?></h1>
  <p><?cs var:Lang.Signup.ExpiredText ?></p>
  <p><a href="/account/signup"><?cs var:Lang.Signup.Again ?></a> · <a href="/account/login"><?cs var:Lang.Signup.AlreadyCustomer ?></a></p>
</section>
<?cs /def ?>
