<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.ConfirmTitle ?><?cs def:content() ?>
<section class="card narrow signup">
  <h1><?cs var:Lang.Signup.ConfirmTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <p><?cs var:Lang.Signup.ConfirmText ?></p>
  <dl class="confirm-who">
    <dt><?cs var:Lang.Signup.ConfirmName ?></dt><dd><?cs var:Page.FirstName ?> <?cs var:Page.LastName ?></dd>
    <dt><?cs var:Lang.Signup.Email ?></dt><dd><?cs call:email_text(Page.Email) ?></dd>
  </dl>
  <p class="muted"><?cs var:Lang.Signup.ConfirmNotYou ?></p>
  <form method="post" action="/account/signup/confirm" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="token" value="<?cs var:Page.Token ?>">
    <input type="hidden" name="text" value="<?cs var:Page.TextId ?>">
    <label class="check consent"><input type="checkbox" id="marketing" name="marketing" value="1"<?cs if:Page.Marketing == "1" ?> checked<?cs /if ?>> <span><?cs var:Page.ConsentText ?></span></label>
    <p class="muted"><?cs var:Lang.Signup.ConsentHelp ?></p>
    <button type="submit" class="primary"><?cs var:Lang.Signup.ConfirmSubmit ?></button>
  </form>
</section>
<?cs /def ?>
