<?cs include:"macros.cs" ?><?cs include:"customers/fields.cs" ?><?cs set:Page.Title = Lang.Customers.NewTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers">← <?cs var:Lang.Customers.Back ?></a></p>
<section class="card form-card">
  <h1><?cs var:Lang.Customers.NewTitle ?></h1>
  <p class="muted"><?cs var:Lang.Customers.NewIntro ?></p>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/customers/new" class="form">
    <?cs call:csrf_field() ?>
    <label for="email"><?cs var:Lang.Customers.Email ?> *</label>
    <input id="email" name="email" type="email" required maxlength="254" value="<?cs var:Page.Form.email ?>">
    <?cs call:field_error("email") ?>
    <?cs call:customer_fields() ?>
    <div class="actions">
      <button type="submit" class="primary"><?cs var:Lang.Customers.Save ?></button>
      <a href="/admin/customers"><?cs var:Lang.Customers.Cancel ?></a>
    </div>
  </form>
</section>
<?cs /def ?>
