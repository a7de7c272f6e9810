<?cs set:Page.Title = Lang.Customers.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Customers.Title ?></h1>
  <form class="search" method="get" action="/admin/customers" role="search">
    <label for="q" class="visually-hidden"><?cs var:Lang.Customers.SearchLabel ?></label>
    <input id="q" name="q" type="search" maxlength="100" value="<?cs var:Page.Query ?>" placeholder="<?cs var:Lang.Customers.SearchPlaceholder ?>">
    <button type="submit"><?cs var:Lang.Customers.Search ?></button>
  </form>
  <a class="button primary" href="/admin/customers/new"><?cs var:Lang.Customers.New ?></a>
</div>
<?cs if:Page.FailedMails ?><p class="alert" role="status"><?cs var:Page.FailedMails ?> <?cs var:Lang.Customers.MailFailed ?></p><?cs /if ?>
<?cs if:Page.Shown == 0 ?>
<p class="empty"><?cs if:Page.Query ?><?cs var:Lang.Customers.NoMatch ?><?cs else ?><?cs var:Lang.Customers.None ?><?cs /if ?></p>
<?cs else ?>
<p class="count"><?cs var:Lang.Customers.Showing ?> <?cs var:Page.First ?>–<?cs var:Page.Last ?><?cs if:Page.Query ?> · <?cs var:Lang.Customers.SearchFor ?> « <?cs var:Page.Query ?> »<?cs /if ?></p>
<div class="table-wrap">
<table class="list">
  <thead><tr>
    <th scope="col"><?cs var:Lang.Customers.Name ?></th>
    <th scope="col" class="hide-narrow"><?cs var:Lang.Customers.Email ?></th>
    <th scope="col" class="hide-narrow"><?cs var:Lang.Customers.Phone ?></th>
    <th scope="col"><?cs var:Lang.Customers.Status ?></th>
    <th scope="col" class="num hide-narrow"><?cs var:Lang.Customers.Orders ?></th>
    <th scope="col" class="num"><?cs var:Lang.Customers.Spent ?></th>
    <th scope="col" class="hide-narrow"><?cs var:Lang.Customers.Since ?></th>
  </tr></thead>
  <tbody>
  <?cs each:c = Customers ?>
  <tr>
    <td class="name"><a href="/admin/customers/<?cs var:c.id ?>"><?cs var:c.last_name ?> <?cs var:c.first_name ?><?cs if:!c.last_name && !c.first_name ?>—<?cs /if ?></a><span class="sub show-narrow"><?cs var:c.email ?></span></td>
    <td class="email hide-narrow"><?cs var:c.email ?></td>
    <td class="hide-narrow nowrap"><?cs var:c.phone ?></td>
    <td><span class="status status-<?cs var:c.status ?>"><?cs var:Lang.Status[c.status] ?></span></td>
    <td class="num hide-narrow"><?cs var:c.orders ?></td>
    <td class="num nowrap"><?cs var:c.spent ?></td>
    <td class="hide-narrow nowrap"><?cs var:c.created ?></td>
  </tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs /if ?>
<?cs if:Page.Previous || Page.Next ?>
<nav class="pager" aria-label="<?cs var:Lang.Customers.Pages ?>">
  <?cs if:Page.Previous ?><a rel="prev" href="/admin/customers?<?cs if:Page.Query ?>q=<?cs var:url_escape(Page.Query) ?>&amp;<?cs /if ?>page=<?cs var:Page.Previous ?>">← <?cs var:Lang.Customers.Previous ?></a><?cs /if ?>
  <span><?cs var:Lang.Customers.Page ?> <?cs var:Page.Number ?></span>
  <?cs if:Page.Next ?><a rel="next" href="/admin/customers?<?cs if:Page.Query ?>q=<?cs var:url_escape(Page.Query) ?>&amp;<?cs /if ?>page=<?cs var:Page.Next ?>"><?cs var:Lang.Customers.Next ?> →</a><?cs /if ?>
</nav>
<?cs /if ?>
<?cs /def ?>
