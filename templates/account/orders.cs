<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.OrdersTitle ?><?cs def:content() ?>
<div class="account-page">
<p class="crumbs"><a href="/account/">← <?cs var:Lang.Account.HomeTitle ?></a></p>
<section class="card">
  <h1><?cs var:Lang.Account.OrdersTitle ?></h1>
  <?cs if:Page.Count == 0 ?>
  <p class="empty"><?cs var:Lang.Account.NoOrders ?></p>
  <?cs else ?>
  <div class="table-wrap">
  <table class="list compact account-orders">
    <thead><tr><th scope="col"><?cs var:Lang.Account.OrderDate ?></th><th scope="col"><?cs var:Lang.Account.OrderReference ?></th><th scope="col"><?cs var:Lang.Account.OrderStatusLabel ?></th><th scope="col" class="num"><?cs var:Lang.Account.OrderTotal ?></th></tr></thead>
    <tbody>
    <?cs each:order = Page.Orders ?>
    <tr<?cs if:order.cancelled == 1 ?> class="cancelled"<?cs /if ?>>
      <td class="nowrap"><?cs var:order.date ?></td>
      <td><a href="/account/orders/<?cs var:order.id ?>"><?cs var:order.reference ?></a></td>
      <td><span class="status"><?cs var:order.status_label ?></span></td>
      <td class="num nowrap"><?cs if:order.cancelled == 1 ?><s><?cs var:order.total ?></s><?cs else ?><?cs var:order.total ?><?cs /if ?></td>
    </tr>
    <?cs /each ?>
    </tbody>
  </table>
  </div>
  <?cs if:Page.More == 1 ?><p class="muted"><?cs var:Lang.Account.OrdersMore ?></p><?cs /if ?>
  <?cs /if ?>
</section>
</div>
<?cs /def ?>
