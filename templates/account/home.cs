<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Account.HomeTitle ?><?cs def:content() ?>
<div class="account-page">
<section class="card">
  <h1><?cs var:Lang.Account.HomeTitle ?></h1>
  <p><?cs var:Lang.Account.SignedInAs ?> <strong class="account-who"><?cs var:Page.Name ?><?cs if:Page.Name != Page.Email ?> · <?cs call:email_text(Page.Email) ?><?cs /if ?></strong></p>
  <?cs if:Page.Status == "waiting" ?>
  <p class="notice-inline"><?cs var:Lang.Account.Waiting ?><?cs if:Page.WaitingPlace ?> <?cs var:Lang.Account.WaitingPlace ?> <strong><?cs var:Page.WaitingPlace ?></strong>.<?cs /if ?></p>
  <?cs /if ?>
  <nav aria-label="<?cs var:Lang.Account.MenuLabel ?>">
    <ul class="account-menu">
      <li><a href="/account/profile"><strong><?cs var:Lang.Account.ProfileTitle ?></strong><span><?cs var:Lang.Account.ProfileHelp ?></span></a></li>
      <li><a href="/account/preferences"><strong><?cs var:Lang.Account.PreferencesTitle ?></strong><span><?cs if:Page.Marketing == 1 ?><?cs var:Lang.Account.MarketingIsOn ?><?cs else ?><?cs var:Lang.Account.MarketingIsOff ?><?cs /if ?></span></a></li>
      <li><a href="/account/orders"><strong><?cs var:Lang.Account.OrdersTitle ?></strong><span><?cs var:Lang.Account.OrdersHelp ?></span></a></li>
      <li><a href="/account/data"><strong><?cs var:Lang.Account.DataTitle ?></strong><span><?cs var:Lang.Account.DataHelp ?></span></a></li>
      <li><a href="/account/delete"><strong><?cs var:Lang.Account.DeleteTitle ?></strong><span><?cs var:Lang.Account.DeleteHelp ?></span></a></li>
    </ul>
  </nav>
  <form method="post" action="/account/logout">
    <?cs call:csrf_field() ?>
    <button type="submit"><?cs var:Lang.Account.SignOut ?></button>
  </form>
</section>
</div>
<?cs /def ?>
