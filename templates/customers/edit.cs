<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.EditTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers/<?cs var:Page.Form.id ?>">← <?cs var:Lang.Customers.BackToCustomer ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Customers.EditTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/customers/<?cs var:Page.Form.id ?>/edit" class="form">
    <?cs call:csrf_field() ?>
    <label for="email"><?cs var:Lang.Customers.Email ?> *</label>
    <input id="email" name="email" type="email" required maxlength="254" value="<?cs var:Page.Form.email ?>">
    <?cs call:field_error("email") ?>
    <p class="muted"><?cs var:Lang.Customers.EmailChangeHelp ?></p>
    <div class="two">
      <div>
        <label for="first_name"><?cs var:Lang.Customers.FirstName ?></label>
        <input id="first_name" name="first_name" type="text" maxlength="100" value="<?cs var:Page.Form.first_name ?>">
        <?cs call:field_error("first_name") ?>
      </div>
      <div>
        <label for="last_name"><?cs var:Lang.Customers.LastName ?></label>
        <input id="last_name" name="last_name" type="text" maxlength="100" value="<?cs var:Page.Form.last_name ?>">
        <?cs call:field_error("last_name") ?>
      </div>
    </div>
    <label for="phone"><?cs var:Lang.Customers.Phone ?></label>
    <input id="phone" name="phone" type="tel" maxlength="32" value="<?cs var:Page.Form.phone ?>">
    <?cs call:field_error("phone") ?>
    <div class="two">
      <div>
        <label for="country"><?cs var:Lang.Customers.Country ?></label>
        <select id="country" name="country">
          <option value="">—</option>
          <?cs each:c = Lang.Countries ?><option value="<?cs name:c ?>"<?cs if:Page.Form.country == name(c) ?> selected<?cs /if ?>><?cs var:c ?></option><?cs /each ?>
        </select>
        <?cs call:field_error("country") ?>
      </div>
      <div>
        <label for="language"><?cs var:Lang.Customers.Language ?></label>
        <select id="language" name="language">
          <option value="fr"<?cs if:Page.Form.language == "fr" ?> selected<?cs /if ?>>Français</option>
          <option value="en"<?cs if:Page.Form.language == "en" ?> selected<?cs /if ?>>English</option>
        </select>
      </div>
    </div>
    <label class="check"><input type="checkbox" name="tax_exempt" value="1"<?cs if:Page.Form.tax_exempt == "1" ?> checked<?cs /if ?>> <?cs var:Lang.Customers.TaxExempt ?></label>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Customers.SaveChanges ?></button>
      <a href="/admin/customers/<?cs var:Page.Form.id ?>"><?cs var:Lang.Customers.Cancel ?></a>
    </div>
  </form>
</section>
<?cs /def ?>
