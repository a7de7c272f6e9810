<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.DeleteTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Customers.DeleteTitle ?></h1>
  <p><?cs var:Lang.Customers.DeleteText ?> <strong><?cs var:Page.Email ?></strong>.</p>
  <p class="alert"><?cs var:Lang.Customers.DeleteWarning ?></p>
  <form method="post" action="/admin/customers/<?cs var:Page.Id ?>/delete" class="actions">
    <?cs call:csrf_field() ?><?cs call:back_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Customers.DeleteConfirm ?></button>
    <a href="/admin/customers/<?cs var:Page.Id ?><?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.Cancel ?></a>
  </form>
</section>
<?cs /def ?>
