<?cs include:"macros.cs" ?><?cs include:"customers/fields.cs" ?><?cs set:Page.Title = Lang.Customers.EditTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers/<?cs var:Page.Form.id ?><?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>">← <?cs var:Lang.Customers.BackToCustomer ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Customers.EditTitle ?></h1>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/customers/<?cs var:Page.Form.id ?>/edit" class="form">
    <?cs call:csrf_field() ?><?cs call:back_field() ?>
    <label for="email"><?cs var:Lang.Customers.Email ?></label>
    <input id="email" name="email" type="email" maxlength="254" value="<?cs var:Page.Form.email ?>">
    <?cs call:field_error("email") ?>
    <p class="muted"><?cs var:Lang.Customers.EmailChangeHelp ?></p>
    <?cs call:customer_fields(0) ?>
    <label class="check"><input type="checkbox" name="tax_exempt" value="1"<?cs if:Page.Form.tax_exempt == "1" ?> checked<?cs /if ?>> <?cs var:Lang.Customers.TaxExempt ?></label>
    <?cs include:"groups/form-part.cs" ?>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Customers.SaveChanges ?></button>
      <a href="/admin/customers/<?cs var:Page.Form.id ?><?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.Cancel ?></a>
    </div>
  </form>
</section>
<?cs /def ?>
