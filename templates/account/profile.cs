<?cs include:"macros.cs" ?><?cs include:"customers/fields.cs" ?><?cs set:Page.Title = Lang.Account.ProfileTitle ?><?cs def:content() ?>
<div class="account-page">
<p class="crumbs"><a href="/account/">← <?cs var:Lang.Account.HomeTitle ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Account.ProfileTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/account/profile" class="form">
    <?cs call:csrf_field() ?>
    <?cs call:customer_fields(1) ?>
    <p class="muted"><?cs var:Lang.Account.LanguageHelp ?></p>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Account.Save ?></button>
    </div>
  </form>
</section>
<section class="card form-card" id="email">
  <h2><?cs var:Lang.Account.EmailTitle ?></h2>
  <p><?cs var:Lang.Account.EmailNow ?> <strong class="email"><?cs call:email_text(Page.Email) ?></strong></p>
  <form method="post" action="/account/email" class="form">
    <?cs call:csrf_field() ?>
    <label for="new_email"><?cs var:Lang.Account.NewEmail ?></label>
    <input id="new_email" name="new_email" type="email" required maxlength="254" autocomplete="email" value="<?cs var:Page.Form.new_email ?>"<?cs if:Page.Errors.new_email ?> aria-invalid="true" aria-describedby="new_email-error"<?cs /if ?>>
    <?cs call:field_error("new_email") ?>
    <p class="muted"><?cs var:Lang.Account.EmailHelp ?></p>
    <div class="actions">
      <button type="submit"><?cs var:Lang.Account.EmailSend ?></button>
    </div>
  </form>
</section>
</div>
<?cs /def ?>
