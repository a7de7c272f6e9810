<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.DeleteTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Customers.DeleteTitle ?></h1>
  <p><?cs var:Lang.Customers.DeleteText ?> <strong id="who"><?cs if:Page.LastName || Page.FirstName ?><?cs call:person_name(Page.LastName, Page.FirstName, "") ?><?cs if:Page.Email ?> (<?cs call:email_text(Page.Email) ?>)<?cs /if ?><?cs elif:Page.Email ?><?cs call:email_text(Page.Email) ?><?cs elif:Page.Phone ?><?cs var:Page.Phone ?><?cs else ?><?cs var:Lang.Customers.DeleteNumber ?> <?cs var:Page.Id ?><?cs /if ?></strong>.</p>
  <p class="alert"><?cs var:Lang.Customers.DeleteWarning ?></p>
  <form method="post" action="/admin/customers/<?cs var:Page.Id ?>/delete" class="actions">
    <?cs call:csrf_field() ?><?cs call:back_field() ?>
    <button type="submit" class="danger"><?cs var:Lang.Customers.DeleteConfirm ?></button>
    <a href="/admin/customers/<?cs var:Page.Id ?><?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.Cancel ?></a>
  </form>
</section>
<?cs /def ?>
