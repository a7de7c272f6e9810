<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.SentTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Signup.SentTitle ?></h1>
  <p><?cs var:Lang.Signup.SentTo ?> <strong class="email"><?cs call:email_text(Page.Email) ?></strong><?cs var:Lang.Signup.SentOnItsWay ?></p>
  <p><?cs var:Lang.Signup.SentHelp ?></p>
  <p class="muted"><?cs var:Lang.Signup.SentNothing ?></p>
</section>
<?cs /def ?>
