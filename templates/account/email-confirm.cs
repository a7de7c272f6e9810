<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.EmailConfirmTitle ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Account.EmailConfirmTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <?cs if:Page.Done ?>
  <p><?cs var:Lang.Account.EmailDone ?> <strong class="email"><?cs var:Page.NewEmail ?></strong>.</p>
  <p><a class="button primary" href="/account/"><?cs var:Lang.Account.HomeTitle ?></a></p>
  <?cs elif:!Page.Message ?>
  <p><?cs var:Lang.Account.EmailConfirmText ?> <strong class="email"><?cs var:Page.NewEmail ?></strong></p>
  <form method="post" action="/account/email/confirm" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="token" value="<?cs var:Page.Token ?>">
    <button type="submit" class="primary"><?cs var:Lang.Account.EmailConfirmSubmit ?></button>
  </form>
  <?cs else ?>
  <p><a href="/account/profile"><?cs var:Lang.Account.ProfileTitle ?></a></p>
  <?cs /if ?>
</section>
<?cs /def ?>
