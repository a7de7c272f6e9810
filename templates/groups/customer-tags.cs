<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Groups.Customer.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<?cs # a customer's groups and tags form shown again with what refused the
  tag typed (the 251st of the shop, an empty name) ?>
<p class="crumbs"><a href="/admin/customers/<?cs var:Customer.id ?>">← <?cs var:Lang.Customers.BackToCustomer ?></a></p>
<div class="page-head">
  <h1><?cs call:person_name(Customer.last_name, Customer.first_name, Customer.email) ?></h1>
</div>
<?cs include:"groups/customer-part.cs" ?>
<?cs /def ?>
