<?cs include:"macros.cs" ?><?cs if:Page.Door == "closed" ?><?cs set:Page.Title = Lang.Signup.ClosedTitle ?><?cs else ?><?cs set:Page.Title = Lang.Signup.Title ?><?cs /if ?><?cs def:content() ?>
<section class="card narrow signup">
  <h1><?cs if:Page.Door == "waitlist" ?><?cs var:Lang.Signup.WaitlistTitle ?><?cs elif:Page.Door == "closed" ?><?cs var:Lang.Signup.ClosedTitle ?><?cs else ?><?cs var:Lang.Signup.Title ?><?cs /if ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <?cs if:Page.Door == "closed" ?>
  <p><?cs var:Lang.Signup.Closed ?></p>
  <?cs if:Page.Contact ?><p><?cs var:Lang.Signup.ClosedContact ?> <a class="email" href="mailto:<?cs var:Page.Contact ?>"><?cs var:Page.Contact ?></a></p><?cs else ?><p><?cs var:Lang.Signup.ClosedNoContact ?></p><?cs /if ?>
  <p class="muted"><a href="/account/login"><?cs var:Lang.Signup.AlreadyCustomer ?></a></p>
  <?cs else ?>
  <p><?cs if:Page.Door == "waitlist" ?><?cs var:Lang.Signup.WaitlistIntro ?><?cs else ?><?cs var:Lang.Signup.Intro ?><?cs /if ?></p>
  <form method="post" action="/account/signup" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="door" value="<?cs var:Page.Door ?>">
    <input type="hidden" name="text" value="<?cs var:Page.TextId ?>">
    <label for="first_name"><?cs var:Lang.Signup.FirstName ?> *</label>
    <input id="first_name" name="first_name" type="text" autocomplete="given-name" required maxlength="100" value="<?cs var:Page.Form.first_name ?>">
    <?cs call:field_error("first_name") ?>
    <label for="last_name"><?cs var:Lang.Signup.LastName ?> *</label>
    <input id="last_name" name="last_name" type="text" autocomplete="family-name" required maxlength="100" value="<?cs var:Page.Form.last_name ?>">
    <?cs call:field_error("last_name") ?>
    <label for="email"><?cs var:Lang.Signup.Email ?> *</label>
    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="<?cs var:Page.Form.email ?>">
    <?cs call:field_error("email") ?>
    <label for="phone"><?cs var:Lang.Signup.Phone ?></label>
    <input id="phone" name="phone" type="tel" autocomplete="tel" maxlength="32" value="<?cs var:Page.Form.phone ?>">
    <?cs call:field_error("phone") ?>
    <?cs if:Page.Door == "waitlist" ?>
    <label for="message"><?cs var:Lang.Signup.Message ?></label>
    <textarea id="message" name="message" rows="4" maxlength="2000"><?cs var:Page.Form.message ?></textarea>
    <?cs call:field_error("message") ?>
    <p class="muted"><?cs var:Lang.Signup.MessageHelp ?></p>
    <?cs /if ?>
    <label class="check consent"><input type="checkbox" id="marketing" name="marketing" value="1"<?cs if:Page.Form.marketing == "1" ?> checked<?cs /if ?>> <span><?cs var:Page.ConsentText ?></span></label>
    <p class="muted"><?cs var:Lang.Signup.ConsentHelp ?></p>
    <button type="submit" class="primary"><?cs if:Page.Door == "waitlist" ?><?cs var:Lang.Signup.SubmitWaitlist ?><?cs else ?><?cs var:Lang.Signup.Submit ?><?cs /if ?></button>
  </form>
  <p class="muted"><a href="/account/login"><?cs var:Lang.Signup.AlreadyCustomer ?></a></p>
  <?cs /if ?>
</section>
<?cs /def ?>
