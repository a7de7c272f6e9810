<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.FailedMails.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/customers">← <?cs var:Lang.Customers.Back ?></a></p>
<section class="card">
  <h1><?cs var:Lang.Customers.FailedMails.Title ?></h1>
  <?cs if:subcount(Mails) == 0 ?>
  <p class="empty"><?cs var:Lang.Customers.FailedMails.None ?></p>
  <?cs else ?>
  <p class="muted"><?cs var:Lang.Customers.FailedMails.Intro ?></p>
  <form method="post" action="/admin/customers/mails/retry" class="actions">
    <?cs call:csrf_field() ?>
    <button type="submit" class="primary"><?cs var:Lang.Customers.FailedMails.RetryAll ?></button>
  </form>
  <div class="table-wrap">
  <table class="list">
    <thead><tr><th scope="col"><?cs var:Lang.Customers.Date ?></th><th scope="col"><?cs var:Lang.Customers.FailedMails.Recipient ?></th><th scope="col"><?cs var:Lang.Customers.Subject ?></th><th scope="col"><?cs var:Lang.Customers.FailedMails.Error ?></th></tr></thead>
    <tbody>
    <?cs each:m = Mails ?>
    <tr><td class="nowrap"><?cs var:m.created_at ?></td><td class="email"><?cs if:m.customer_id ?><a href="/admin/customers/<?cs var:m.customer_id ?>#mails"><?cs call:email_text(m.recipient) ?></a><?cs else ?><?cs call:email_text(m.recipient) ?><?cs /if ?></td><td class="subject"><?cs var:m.subject ?></td><td class="muted reason"><?cs var:m.last_error ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
  <?cs /if ?>
</section>
<?cs /def ?>
