<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.OrderTitle ?><?cs def:content() ?>
<div class="account-page">
<p class="crumbs"><a href="/account/orders">← <?cs var:Lang.Account.OrdersTitle ?></a></p>
<section class="card">
  <h1><?cs var:Lang.Account.OrderTitle ?> <?cs var:Page.Order.reference ?></h1>
  <?cs if:Page.Order.cancelled == 1 ?><p class="alert"><?cs var:Lang.Account.OrderCancelledNote ?></p><?cs /if ?>
  <dl class="facts">
    <dt><?cs var:Lang.Account.OrderReference ?></dt><dd><?cs var:Page.Order.reference ?></dd>
    <dt><?cs var:Lang.Account.OrderDate ?></dt><dd><?cs var:Page.Order.when ?></dd>
    <dt><?cs var:Lang.Account.OrderStatusLabel ?></dt><dd><span class="status"><?cs var:Page.Order.status_label ?></span></dd>
    <dt><?cs var:Lang.Account.OrderTotal ?></dt><dd><?cs var:Page.Order.total ?></dd>
  </dl>
</section>
</div>
<?cs /def ?>
