<?cs include:"macros.cs" ?><?cs include:"customers/fields.cs" ?><?cs set:Page.Title = Lang.Customers.NewTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers">← <?cs var:Lang.Customers.Back ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Customers.NewTitle ?></h1>
  <p class="muted"><?cs var:Lang.Customers.NewIntro ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <?cs if:subcount(Page.Twins) ?><div class="alert twins" role="alert">
    <p><strong><?cs var:Lang.Customers.Twin.Title ?></strong> <?cs var:Lang.Customers.Twin.Help ?></p>
    <ul><?cs each:t = Page.Twins ?>
      <li><a href="/admin/customers/<?cs var:t ?>"><?cs call:person_name(t.last_name, t.first_name, "—") ?></a><?cs if:t.phone ?> · <span class="nowrap"><?cs var:t.phone ?></span><?cs /if ?><?cs if:t.email ?> · <?cs call:email_text(t.email) ?><?cs /if ?></li><?cs /each ?>
    </ul>
  </div><?cs /if ?>
  <form method="post" action="/admin/customers/new" class="form">
    <?cs call:csrf_field() ?>
    <label for="email"><?cs var:Lang.Customers.Email ?></label>
    <input id="email" name="email" type="email" maxlength="254" aria-describedby="email-help" value="<?cs var:Page.Form.email ?>">
    <p class="muted" id="email-help"><?cs var:Lang.Customers.EmailOptional ?></p>
    <?cs call:field_error("email") ?>
    <?cs call:customer_fields(0) ?>
    <?cs include:"groups/form-part.cs" ?>
    <?cs # on the person's behalf (seed 000's Mode Création): the switch
       works without JavaScript; the server asks for the names, the box and
       how the consent was obtained when it is ticked ?>
    <fieldset class="choices behalf">
      <legend><?cs var:Lang.Customers.Behalf.Title ?></legend>
      <label class="check"><input type="checkbox" id="behalf" name="behalf" value="1"<?cs if:Page.Form.behalf == "1" ?> checked<?cs /if ?>> <?cs var:Lang.Customers.Behalf.Switch ?></label>
      <div class="behalf-more">
        <p class="muted"><?cs var:Lang.Customers.Behalf.Help ?></p>
        <label class="check attest"><input type="checkbox" name="attest" value="1"<?cs if:Page.Form.attest == "1" ?> checked<?cs /if ?>> <?cs var:Page.Attestation ?></label>
        <?cs call:field_error("attest") ?>
        <label for="how"><?cs var:Lang.Customers.Behalf.How ?></label>
        <textarea id="how" name="how" rows="2" maxlength="500" placeholder="<?cs var:Lang.Customers.Behalf.HowPlaceholder ?>"><?cs var:Page.Form.how ?></textarea>
        <?cs call:field_error("how") ?>
      </div>
    </fieldset>
    <?cs if:subcount(Page.Twins) ?><label class="check"><input type="checkbox" name="anyway" value="1" required> <?cs var:Lang.Customers.Twin.Anyway ?></label><?cs /if ?>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Customers.Save ?></button>
      <a href="/admin/customers"><?cs var:Lang.Customers.Cancel ?></a>
    </div>
  </form>
</section>
<?cs /def ?>
