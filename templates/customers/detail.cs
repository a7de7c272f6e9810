<?cs include:"macros.cs" ?><?cs
# under a part of the page that shows its newest rows: how many there are
# and a link to all of them; when it is shown whole, its pages ?><?cs
def:see_all(section, count, shown) ?><?cs if:Page.All == section ?><p class="pager"><?cs
 if:Page.AllPrevious ?><a rel="prev" href="/admin/customers/<?cs var:Customer.id ?>?all=<?cs var:section ?>&amp;page=<?cs var:Page.AllPrevious ?>#<?cs var:section ?>">← <?cs var:Lang.Customers.Previous ?></a> <?cs /if ?><?cs
 if:Page.AllNext ?><a rel="next" href="/admin/customers/<?cs var:Customer.id ?>?all=<?cs var:section ?>&amp;page=<?cs var:Page.AllNext ?>#<?cs var:section ?>"><?cs var:Lang.Customers.Next ?> →</a> <?cs /if ?><a href="/admin/customers/<?cs var:Customer.id ?>#<?cs var:section ?>"><?cs var:Lang.Customers.SeeLess ?></a></p><?cs
 elif:count > shown ?><p class="see-all"><a href="/admin/customers/<?cs var:Customer.id ?>?all=<?cs var:section ?>#<?cs var:section ?>"><?cs var:Lang.Customers.SeeAll ?> (<?cs var:count ?>)</a></p><?cs /if ?><?cs /def ?><?cs set:Page.Title = Customer.display_name ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<p class="crumbs"><a href="<?cs if:Page.Back ?><?cs var:Page.Back ?><?cs else ?>/admin/customers<?cs /if ?>">← <?cs var:Lang.Customers.Back ?></a></p>
<div class="page-head">
  <h1><?cs call:person_name(Customer.last_name, Customer.first_name, Customer.email) ?></h1>
  <?cs if:Customer.status == "invited" && Customer.source == "self" ?><span class="status status-unconfirmed"><?cs var:Lang.Status.unconfirmed ?></span><?cs else ?><span class="status status-<?cs var:Customer.status ?>"><?cs var:Lang.Status[Customer.status] ?></span><?cs /if ?>
</div>
<?cs if:Customer.status_reason ?><p class="alert"><?cs var:Lang.Customers.Reason ?><?cs var:Lang.Typo.Colon ?> <?cs var:Customer.status_reason ?></p><?cs /if ?>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?><?cs if:Page.MessageTwin ?><p class="alert" role="alert"><?cs var:Lang.Customers.MessageTwinBefore ?> <?cs var:Page.MessageTwin ?><?cs var:Lang.Customers.MessageTwinAfter ?></p><?cs /if ?>
<div class="toolbar">
  <a class="button" href="/admin/customers/<?cs var:Customer.id ?>/edit<?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.Edit ?></a>
  <?cs if:Customer.status == "blocked" ?>
  <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/unblock"><?cs call:csrf_field() ?><?cs call:back_field() ?><button type="submit"><?cs var:Lang.Customers.Unblock ?></button></form>
  <?cs else ?>
  <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/block" class="inline-form"><?cs call:csrf_field() ?><?cs call:back_field() ?>
    <label for="reason" class="visually-hidden"><?cs var:Lang.Customers.Reason ?></label>
    <input id="reason" name="reason" type="text" maxlength="500" required placeholder="<?cs var:Lang.Customers.ReasonPlaceholder ?>">
    <button type="submit"><?cs var:Lang.Customers.Block ?></button></form>
  <?cs /if ?>
  <?cs if:Customer.status == "inactive" ?>
  <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/reactivate"><?cs call:csrf_field() ?><?cs call:back_field() ?><button type="submit"><?cs var:Lang.Customers.Reactivate ?></button></form>
  <?cs elif:Customer.status != "blocked" && Customer.status != "waiting" ?>
  <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/deactivate"><?cs call:csrf_field() ?><?cs call:back_field() ?><button type="submit"><?cs var:Lang.Customers.Deactivate ?></button></form>
  <?cs /if ?>
  <?cs if:Admin.IsOwner == "1" ?><a class="button danger-link" href="/admin/customers/<?cs var:Customer.id ?>/delete<?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.Delete ?></a><?cs /if ?>
</div>
<div class="grid">
  <section class="card">
    <h2><?cs var:Lang.Customers.Contact ?></h2>
    <dl class="facts">
      <dt><?cs var:Lang.Customers.Email ?></dt><dd class="email"><?cs if:Customer.mailto ?><a href="<?cs var:Customer.mailto ?>"><?cs call:email_text(Customer.email) ?></a><?cs else ?><span class="muted"><?cs var:Lang.Customers.NoEmail ?></span><?cs /if ?></dd>
      <dt><?cs var:Lang.Customers.Phone ?></dt><dd><?cs if:Customer.tel ?><a href="<?cs var:Customer.tel ?>"><?cs var:Customer.phone ?></a><?cs /if ?></dd>
      <?cs if:Customer.company ?><dt><?cs var:Lang.Customers.Company ?></dt><dd><?cs var:Customer.company ?></dd><?cs /if ?>
      <?cs if:Customer.address || Customer.postal_code || Customer.city ?><dt><?cs var:Lang.Customers.Address ?></dt><dd class="address"><?cs if:Customer.address ?><?cs var:Customer.address ?><br><?cs /if ?><?cs var:Customer.postal_code ?><?cs if:Customer.postal_code && Customer.city ?> <?cs /if ?><?cs var:Customer.city ?></dd><?cs /if ?>
      <?cs if:Customer.vat_number ?><dt><?cs var:Lang.Customers.VatNumber ?></dt><dd><?cs var:Customer.vat_number ?></dd><?cs /if ?>
      <dt><?cs var:Lang.Customers.Country ?></dt><dd><?cs if:Lang.Countries[Customer.country] ?><?cs var:Lang.Countries[Customer.country] ?><?cs else ?><?cs var:Customer.country ?><?cs /if ?></dd>
      <dt><?cs var:Lang.Customers.Language ?></dt><dd><?cs if:Customer.language == "en" ?>English<?cs elif:Customer.language == "fr" ?>Français<?cs else ?><span class="muted"><?cs var:Lang.Customers.LanguageOfShop ?></span><?cs /if ?></dd>
      <dt><?cs var:Lang.Customers.Source ?></dt><dd><?cs var:Lang.Source[Customer.source] ?></dd>
      <dt><?cs var:Lang.Customers.SignedUp ?></dt><dd><?cs var:Customer.created ?></dd>
      <dt><?cs var:Lang.Customers.LastSignIn ?></dt><dd><?cs if:Customer.last_sign_in ?><?cs var:Customer.last_sign_in ?><?cs else ?><?cs var:Lang.Customers.Never ?><?cs /if ?></dd>
      <dt><?cs var:Lang.Customers.TaxExempt ?></dt><dd><?cs if:Customer.tax_exempt == "1" ?><?cs var:Lang.Customers.Yes ?><?cs else ?><?cs var:Lang.Customers.No ?><?cs /if ?></dd>
    </dl>
    <?cs # may we mail this person, and why: the ledger's newest entry of each purpose ?>
    <h3><?cs var:Lang.Customers.MayMail.Title ?></h3>
    <dl class="facts may-mail" id="may-mail">
      <?cs each:m = Customer.MayMail ?>
      <dt><?cs var:Lang.Customers.MayMail[name(m)] ?></dt>
      <dd class="may-mail-<?cs var:m.state ?>"><?cs if:m.state == "yes" || m.state == "flag" ?><?cs var:Lang.Customers.MayMail.Yes ?><?cs else ?><?cs var:Lang.Customers.MayMail.No ?><?cs /if ?> — <?cs
        if:m.state == "yes" ?><?cs var:Lang.Customers.MayMail.Given[m.channel] ?> <?cs var:m.date ?><?cs
        elif:m.state == "no" ?><?cs var:Lang.Customers.MayMail.Withdrawn[m.channel] ?> <?cs var:m.date ?><?cs
        else ?><?cs var:Lang.Customers.MayMail[m.state] ?><?cs /if ?></dd>
      <?cs /each ?>
    </dl>
  </section>
  <section class="card" id="orders">
    <h2><?cs var:Lang.Customers.OrdersTitle ?></h2>
    <dl class="facts">
      <dt><?cs var:Lang.Customers.OrderCount ?></dt><dd><?cs var:Customer.order_count ?></dd>
      <dt><?cs var:Lang.Customers.Spent ?></dt><dd><?cs var:Customer.spent ?></dd>
      <dt><?cs var:Lang.Customers.Average ?></dt><dd><?cs if:Customer.order_count > 0 ?><?cs var:Customer.average ?><?cs else ?>—<?cs /if ?></dd>
      <dt><?cs var:Lang.Customers.LastOrder ?></dt><dd><?cs var:Customer.last_order ?></dd>
    </dl>
    <?cs if:Customer.Shipping.name || Customer.Shipping.address || Customer.Shipping.phone || Customer.Billing.name || Customer.Billing.address || Customer.Billing.phone ?>
    <dl class="facts last-parties">
      <?cs each:party = Customer ?><?cs if:(name(party) == "Shipping" || name(party) == "Billing") ?>
      <dt><?cs var:Lang.Api.Customer[name(party)] ?></dt>
      <dd><?cs if:party.name ?><span class="party-name"><?cs var:party.name ?></span><br><?cs /if ?><?cs if:party.address ?><span class="party-address"><?cs var:party.address ?></span><br><?cs /if ?><?cs if:party.phone ?><span class="party-phone"><?cs var:party.phone ?></span><?cs /if ?></dd>
      <?cs /if ?><?cs /each ?>
    </dl>
    <?cs /if ?>
    <h3><?cs var:Lang.Customers.RecentOrders ?></h3>
    <?cs if:subcount(Orders) == 0 ?><p class="muted"><?cs var:Lang.Customers.NoOrders ?></p><?cs else ?>
    <table class="list compact">
      <thead><tr><th scope="col"><?cs var:Lang.Customers.Reference ?></th><th scope="col"><?cs var:Lang.Customers.Date ?></th><th scope="col" class="num"><?cs var:Lang.Customers.Amount ?></th></tr></thead>
      <tbody>
      <?cs each:o = Orders ?>
      <tr<?cs if:o.status == "cancelled" ?> class="cancelled"<?cs /if ?>><td><?cs var:o.reference ?><?cs if:o.status == "cancelled" ?> <span class="status"><?cs var:Lang.Customers.Cancelled ?></span><?cs elif:o.status == "refunded" ?> <span class="status"><?cs var:Lang.Api.Customer.Refunded ?></span><?cs /if ?></td><td class="nowrap"><?cs var:o.ordered_at ?></td><td class="num nowrap"><?cs var:o.total_cents ?></td></tr>
      <?cs /each ?>
      </tbody>
    </table>
    <?cs call:see_all("orders", Page.Counts.orders, subcount(Orders)) ?>
    <?cs /if ?>
  </section>
</div>
<?cs include:"groups/customer-part.cs" ?>
<section class="card notes" id="notes">
  <h2><?cs var:Lang.Customers.Notes ?> <span class="muted"><?cs var:Lang.Customers.NotesPrivate ?></span></h2>
  <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/notes" class="form">
    <?cs call:csrf_field() ?><?cs call:back_field() ?>
    <input type="hidden" name="once" value="<?cs var:Page.Once.note ?>">
    <label for="note" class="visually-hidden"><?cs var:Lang.Customers.NewNote ?></label>
    <textarea id="note" name="body" rows="2" maxlength="5000" required placeholder="<?cs var:Lang.Customers.NewNote ?>"></textarea>
    <button type="submit"><?cs var:Lang.Customers.AddNote ?></button>
  </form>
  <?cs each:n = Notes ?>
  <article class="note">
    <p class="note-body"><?cs var:n.body ?></p>
    <p class="muted"><?cs var:n.created_at ?><?cs if:n.email ?> · <?cs call:email_text(n.email) ?><?cs /if ?><?cs if:n.updated_at ?> · <?cs var:Lang.Customers.Edited ?> <?cs var:n.updated_at ?><?cs /if ?></p>
    <details>
      <summary><?cs var:Lang.Customers.Edit ?></summary>
      <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/notes/<?cs var:n.id ?>/edit" class="form">
        <?cs call:csrf_field() ?><?cs call:back_field() ?>
        <textarea name="body" rows="3" maxlength="5000" required aria-label="<?cs var:Lang.Customers.Notes ?>"><?cs var:n.body ?></textarea>
        <button type="submit"><?cs var:Lang.Customers.SaveChanges ?></button>
      </form>
      <p><a class="danger-text" href="/admin/customers/<?cs var:Customer.id ?>/notes/<?cs var:n.id ?>/delete<?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.DeleteNote ?></a></p>
    </details>
  </article>
  <?cs /each ?>
  <?cs call:see_all("notes", Page.Counts.notes, subcount(Notes)) ?>
</section>
<div class="grid">
  <section class="card" id="events">
    <h2><?cs var:Lang.Customers.Timeline ?></h2>
    <?cs if:subcount(Timeline) == 0 ?><p class="muted"><?cs var:Lang.Customers.NoEvents ?></p><?cs else ?>
    <ol class="timeline">
      <?cs each:e = Timeline ?>
      <?cs if:e.kind == "ledger" ?>
      <li class="ledger-entry"><span class="when"><?cs var:e.created_at ?></span> <?cs var:Lang.Consent.Entry ?><?cs var:Lang.Typo.Colon ?> <strong><?cs var:Lang.Consent.Purpose[e.purpose] ?></strong> — <?cs if:e.granted == "1" ?><?cs var:Lang.Consent.Granted ?><?cs else ?><?cs var:Lang.Consent.Withdrawn ?><?cs /if ?> · <?cs var:Lang.Consent.Channel[e.channel] ?> · <span class="muted"><?cs var:Lang.Consent.Via ?> <?cs if:e.email ?><?cs var:e.email ?><?cs else ?><?cs var:Lang.Consent.Actor[e.actor] ?><?cs if:e.import_id ?> n° <?cs var:e.import_id ?><?cs /if ?><?cs /if ?></span><?cs if:e.detail ?> · <?cs var:Lang.Typo.Open ?><?cs var:e.detail ?><?cs var:Lang.Typo.Close ?><?cs /if ?><?cs
        if:e.wording ?>
        <details class="wording"><summary><?cs var:Lang.Consent.Wording ?> <?cs var:e.version ?></summary><p><?cs var:e.wording ?></p></details><?cs /if ?></li>
      <?cs else ?>
      <li><span class="when"><?cs var:e.created_at ?></span> <?cs var:Lang.Event[e.kind] ?><?cs if:!Lang.Event[e.kind] ?><?cs var:e.kind ?><?cs /if ?><?cs if:e.detail ?> · <?cs var:e.detail ?><?cs /if ?><?cs if:e.email ?> <span class="muted"><?cs var:Lang.Customers.By ?> <?cs var:e.email ?></span><?cs /if ?></li>
      <?cs /if ?>
      <?cs /each ?>
    </ol>
    <?cs call:see_all("events", Page.Counts.events, subcount(Timeline)) ?>
    <?cs /if ?>
  </section>
  <section class="card" id="mails">
    <h2><?cs var:Lang.Customers.Mails ?></h2>
    <?cs if:!Customer.email ?><p class="muted"><?cs var:Lang.Customers.NoEmailToWrite ?></p><?cs else ?>
    <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/message" class="form message-form">
      <?cs call:csrf_field() ?><?cs call:back_field() ?>
      <input type="hidden" name="once" value="<?cs var:Page.Once.message ?>">
      <label for="subject"><?cs var:Lang.Customers.Subject ?></label>
      <input id="subject" name="subject" type="text" maxlength="200" required value="<?cs var:Page.Form.subject ?>">
      <label for="text"><?cs var:Lang.Customers.MessageText ?></label>
      <textarea id="text" name="text" rows="4" maxlength="5000" required><?cs var:Page.Form.text ?></textarea>
      <?cs if:Page.MessageTwin ?><label class="check"><input type="checkbox" name="again" value="1" required> <?cs var:Lang.Customers.MessageTwinAgain ?></label><?cs /if ?>
      <button type="submit"><?cs var:Lang.Customers.Send ?></button>
    </form><?cs /if ?>
    <?cs if:subcount(Mails) == 0 ?><p class="muted"><?cs var:Lang.Customers.NoMails ?></p><?cs else ?>
    <ol class="timeline">
      <?cs each:m = Mails ?>
      <li><span class="when"><?cs if:m.sent_at ?><?cs var:m.sent_at ?><?cs else ?><?cs var:m.created_at ?><?cs /if ?></span> <?cs var:m.subject ?> <span class="muted">(<?cs if:m.last_error == "no_consent" ?><?cs var:Lang.Customers.MailNoConsent ?><?cs else ?><?cs var:Lang.Customers.MailStatus[m.status] ?><?cs /if ?>)</span><?cs
        if:m.last_error == "no_consent" ?><?cs
        elif:m.status == "failed" || m.status == "dismissed" ?>
        <?cs if:m.last_error ?><span class="muted"><?cs var:m.last_error ?></span><?cs /if ?>
        <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/mails/<?cs var:m.id ?>/retry" class="inline-form"><?cs call:csrf_field() ?><button type="submit"><?cs var:Lang.Customers.MailRetry ?></button></form><?cs
        if:m.status == "failed" ?>
        <form method="post" action="/admin/customers/<?cs var:Customer.id ?>/mails/<?cs var:m.id ?>/dismiss" class="inline-form"><?cs call:csrf_field() ?><button type="submit" class="link"><?cs var:Lang.Customers.MailDismiss ?></button></form><?cs /if ?><?cs /if ?></li>
      <?cs /each ?>
    </ol>
    <?cs call:see_all("mails", Page.Counts.mails, subcount(Mails)) ?>
    <?cs /if ?>
  </section>
</div>
<?cs /def ?>
