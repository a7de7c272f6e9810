<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.Title ?><?cs set:Page.Section = "customers" ?><?cs set:Page.Script = "1" ?><?cs def:sort_link(key, label) ?><?cs
  if:Page.Sort != key ?><th scope="col"><a href="/admin/customers?<?cs var:Page.Filters ?>sort=<?cs var:key ?>&amp;dir=asc&amp;size=<?cs var:Page.Size ?>"><?cs var:label ?></a></th><?cs
  elif:Page.Dir == "asc" ?><th scope="col" aria-sort="ascending"><a href="/admin/customers?<?cs var:Page.Filters ?>sort=<?cs var:key ?>&amp;dir=desc&amp;size=<?cs var:Page.Size ?>"><?cs var:label ?> ▲</a></th><?cs
  else ?><th scope="col" aria-sort="descending"><a href="/admin/customers?<?cs var:Page.Filters ?>sort=<?cs var:key ?>&amp;dir=asc&amp;size=<?cs var:Page.Size ?>"><?cs var:label ?> ▼</a></th><?cs
  /if ?><?cs /def ?><?cs include:"customers/columns.cs" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Customers.Title ?></h1>
  <form class="search" method="get" action="/admin/customers" role="search">
    <label for="q" class="visually-hidden"><?cs var:Lang.Customers.SearchLabel ?></label>
    <input id="q" name="q" type="search" maxlength="100" value="<?cs var:Page.Query ?>" placeholder="<?cs var:Lang.Customers.SearchPlaceholder ?>">
    <button type="submit"><?cs var:Lang.Customers.Search ?></button>
  </form>
  <a class="button" href="/admin/import"><?cs var:Lang.Customers.Import ?></a>
  <?cs if:Page.MayExport ?><a class="button" id="export-button" href="/admin/export?<?cs var:Page.Filters ?>sort=<?cs var:Page.Sort ?>&amp;dir=<?cs var:Page.Dir ?>"><?cs var:Lang.Customers.Export ?></a><?cs /if ?>
  <a class="button primary" href="/admin/customers/new"><?cs var:Lang.Customers.New ?></a>
</div>
<details class="filters"<?cs if:Page.FiltersOpen ?> open<?cs /if ?>>
  <summary><?cs var:Lang.Customers.Filters ?></summary>
  <form method="get" action="/admin/customers" class="filter-form">
    <input type="hidden" name="q" value="<?cs var:Page.Query ?>">
    <input type="hidden" name="sort" value="<?cs var:Page.Sort ?>">
    <input type="hidden" name="dir" value="<?cs var:Page.Dir ?>">
    <?cs if:Page.Filter.import ?><input type="hidden" name="import" value="<?cs var:Page.Filter.import ?>"><?cs /if ?>
    <label><?cs var:Lang.Customers.Status ?>
      <select name="status">
        <?cs each:o = Lang.Customers.StatusChoice ?><option value="<?cs name:o ?>"<?cs if:Page.Filter.status == name(o) ?> selected<?cs /if ?>><?cs var:o ?></option><?cs /each ?>
      </select></label>
    <label><?cs var:Lang.Customers.Source ?>
      <select name="source">
        <option value=""><?cs var:Lang.Customers.Any ?></option>
        <?cs each:o = Lang.Source ?><option value="<?cs name:o ?>"<?cs if:Page.Filter.source == name(o) ?> selected<?cs /if ?>><?cs var:o ?></option><?cs /each ?>
      </select></label>
    <label><?cs var:Lang.Customers.Consent ?>
      <select name="consent">
        <option value=""><?cs var:Lang.Customers.Any ?></option>
        <option value="yes"<?cs if:Page.Filter.consent == "yes" ?> selected<?cs /if ?>><?cs var:Lang.Customers.Yes ?></option>
        <option value="no"<?cs if:Page.Filter.consent == "no" ?> selected<?cs /if ?>><?cs var:Lang.Customers.No ?></option>
      </select></label>
    <fieldset><legend><?cs var:Lang.Customers.SignedUp ?></legend>
      <label><?cs var:Lang.Customers.From ?> <input type="date" name="from" value="<?cs var:Page.Filter.from ?>"></label>
      <label><?cs var:Lang.Customers.To ?> <input type="date" name="to" value="<?cs var:Page.Filter.to ?>"></label></fieldset>
    <fieldset><legend><?cs var:Lang.Customers.Orders ?></legend>
      <label><?cs var:Lang.Customers.Min ?> <input type="number" min="0" name="orders_min" value="<?cs var:Page.Filter.orders_min ?>"></label>
      <label><?cs var:Lang.Customers.Max ?> <input type="number" min="0" name="orders_max" value="<?cs var:Page.Filter.orders_max ?>"></label></fieldset>
    <fieldset><legend><?cs var:Lang.Customers.SpentFilter ?> (<?cs var:Page.Currency ?>)</legend>
      <label><?cs var:Lang.Customers.Min ?> <input type="number" min="0" name="spent_min" value="<?cs var:Page.Filter.spent_min ?>"></label>
      <label><?cs var:Lang.Customers.Max ?> <input type="number" min="0" name="spent_max" value="<?cs var:Page.Filter.spent_max ?>"></label></fieldset>
    <fieldset><legend><?cs var:Lang.Customers.LastOrder ?></legend>
      <label><?cs var:Lang.Customers.From ?> <input type="date" name="last_from" value="<?cs var:Page.Filter.last_from ?>"></label>
      <label><?cs var:Lang.Customers.To ?> <input type="date" name="last_to" value="<?cs var:Page.Filter.last_to ?>"></label></fieldset>
<?cs call:slice_filters() ?>
    <label><?cs var:Lang.Customers.PageSize ?>
      <select name="size">
        <?cs each:n = Lang.Customers.Sizes ?><option value="<?cs var:n ?>"<?cs if:Page.Size == n ?> selected<?cs /if ?>><?cs var:n ?></option><?cs /each ?>
      </select></label>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Customers.Apply ?></button> <a href="/admin/customers"><?cs var:Lang.Customers.Reset ?></a></div>
  </form>
</details>
<?cs if:Page.Import.Missing ?><p class="alert" role="alert"><?cs var:Lang.Customers.ImportFilter.Missing ?> <a href="/admin/customers?<?cs var:Page.Import.AllView ?>"><?cs var:Lang.Customers.ImportFilter.All ?></a></p><?cs
elif:Page.Import.Words ?><p class="notice" id="import-filter"><?cs var:Lang.Customers.ImportFilter.Shown ?> <?cs var:Page.Import.Words ?> · <a href="/admin/customers?<?cs var:Page.Import.AllView ?>"><?cs var:Lang.Customers.ImportFilter.All ?></a></p><?cs /if ?>
<?cs call:list_tools() ?>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<?cs if:Page.RunningJob ?><p class="notice" role="status"><?cs var:Lang.Customers.Job.Banner ?> <a href="/admin/customers/jobs/<?cs var:Page.RunningJob ?>"><?cs var:Lang.Customers.Job.See ?></a></p><?cs /if ?>
<?cs if:Page.FailedMails ?><p class="alert" role="status"><?cs var:Page.FailedMails ?> <?cs call:plural(Page.FailedMails, Lang.Customers.MailFailedOne, Lang.Customers.MailFailed) ?> <a href="/admin/customers/mails"><?cs var:Lang.Customers.FailedMails.See ?></a></p><?cs /if ?>
<?cs if:Page.Message ?>
<?cs elif:Page.Shown == 0 ?>
<p class="empty"><?cs if:Page.Number > 1 ?><?cs var:Lang.Customers.PastEnd ?><?cs elif:Page.Elsewhere ?><?cs var:Lang.Customers.NoMatchCurrent ?><?cs elif:Page.Filters ?><?cs var:Lang.Customers.NoMatch ?><?cs else ?><?cs var:Lang.Customers.None ?><?cs /if ?></p><?cs if:Page.Elsewhere ?>
<p class="elsewhere" id="elsewhere"><a href="/admin/customers?<?cs var:Page.ElsewhereView ?>"><?cs if:Page.ElsewhereMore ?><?cs var:Lang.Customers.MoreThan ?> <?cs /if ?><?cs var:Page.Elsewhere ?> <?cs call:plural(Page.ElsewhereNumber, Lang.Customers.ElsewhereOne, Lang.Customers.ElsewhereMany) ?></a></p><?cs /if ?>
<?cs else ?>
<p class="count"><?cs if:Page.Position.Total ?><strong><?cs var:Page.Position.First ?>–<?cs var:Page.Position.Last ?></strong> <?cs var:Lang.Customers.Of ?> <?cs if:Page.Position.MoreThan ?><?cs var:Lang.Customers.MoreThan ?> <?cs /if ?><?cs var:Page.Position.Total ?> <?cs if:Page.Position.MoreThan ?><?cs var:Lang.Customers.Matching ?><?cs else ?><?cs call:plural(Page.Total, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?><?cs /if ?><?cs else ?><?cs var:Lang.Customers.Showing ?> <strong><?cs var:Page.Position.First ?>–<?cs var:Page.Position.Last ?></strong><?cs /if ?><?cs if:Page.Query ?> · <?cs var:Lang.Customers.SearchFor ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.Query ?><?cs var:Lang.Typo.Close ?><?cs /if ?></p>
<form method="post" action="/admin/customers/bulk" class="bulk-form">
<?cs call:csrf_field() ?>
<?cs each:f = Page.Filter ?><?cs if:f ?><input type="hidden" name="<?cs name:f ?>" value="<?cs var:f ?>"><?cs /if ?><?cs /each ?>
<div class="bulk-bar" id="bulk-bar">
  <strong class="bulk-count" id="bulk-count" role="status" hidden data-one="<?cs var:Lang.Customers.Bulk.TickedOne ?>" data-many="<?cs var:Lang.Customers.Bulk.TickedMany ?>"><?cs var:Lang.Customers.Bulk.TickedMany ?></strong>
  <label for="bulk-action"><?cs var:Lang.Customers.Bulk.Label ?></label>
  <select id="bulk-action" name="action" required>
    <option value="" selected><?cs var:Lang.Customers.Bulk.Choose ?></option>
    <?cs each:a = Lang.Customers.Bulk.Do ?><?cs if:name(a) != "delete" || Admin.IsOwner == "1" ?><option value="<?cs name:a ?>"><?cs var:a ?></option><?cs /if ?><?cs /each ?>
  </select>
  <label for="bulk-reason" class="visually-hidden"><?cs var:Lang.Customers.Reason ?></label>
  <input id="bulk-reason" name="reason" type="text" maxlength="500" placeholder="<?cs var:Lang.Customers.Bulk.ReasonIfBlock ?>">
  <label class="check"><input type="radio" name="scope" value="ticked" checked> <?cs var:Lang.Customers.Bulk.Ticked ?></label>
  <label class="check"><input type="radio" name="scope" value="all"> <?cs var:Lang.Customers.Bulk.All ?><?cs if:Page.Position.Total ?> (<?cs if:Page.Position.MoreThan ?><?cs var:Lang.Customers.MoreThan ?> <?cs /if ?><?cs var:Page.Position.Total ?>)<?cs /if ?></label>
  <button type="submit"><?cs var:Lang.Customers.Bulk.Continue ?></button>
  <button type="submit" formaction="/admin/groups/bulk" formnovalidate id="bulk-groups"><?cs var:Lang.Groups.Bulk.Button ?></button>
</div>
<div class="table-wrap">
<?cs if:Page.Chosen ?>
<table class="list customers-chosen">
  <thead><tr><?cs call:chosen_head() ?></tr></thead>
  <tbody>
<?cs call:chosen_rows() ?>
  </tbody>
</table>
<?cs else ?>
<table class="list customers">
  <thead><tr>
    <th scope="col" class="tick"><span class="visually-hidden"><?cs var:Lang.Customers.Bulk.Tick ?></span><input type="checkbox" id="tick-all" hidden aria-label="<?cs var:Lang.Customers.Bulk.TickAll ?>"></th>
    <?cs call:sort_link("name", Lang.Customers.NameOrder) ?>
    <?cs call:sort_link("email", Lang.Customers.Email) ?>
    <th scope="col"><?cs var:Lang.Customers.Phone ?></th>
    <th scope="col"><?cs var:Lang.Customers.Status ?></th>
    <?cs call:sort_link("orders", Lang.Customers.Orders) ?>
    <?cs call:sort_link("spent", Lang.Customers.Spent) ?>
    <?cs call:sort_link("last_order", Lang.Customers.LastOrder) ?>
    <?cs call:sort_link("created", Lang.Customers.Since) ?>
  </tr></thead>
  <tbody>
<?cs # the rows, each written by C from customers/list-row.cs (escaped
  there, value by value) and sent in the place of Page.Rows, which holds
  a mark for them (page_part) ?><?cs var:Page.Rows ?>  </tbody>
</table>
<?cs /if ?>
</div>
</form>
<?cs /if ?>
<?cs if:Page.Previous || Page.Next || Page.Number > 1 ?>
<nav class="pager" aria-label="<?cs var:Lang.Customers.Pages ?>">
  <?cs if:Page.Number > 2 || (Page.Number > 1 && !Page.Previous) ?><a href="/admin/customers?<?cs var:Page.View ?>">« <?cs var:Lang.Customers.FirstPage ?></a><?cs /if ?>
  <?cs if:Page.Previous ?><a rel="prev" href="/admin/customers?<?cs var:Page.View ?>&amp;before=<?cs var:Page.BeforeCursor ?>&amp;page=<?cs var:Page.Previous ?><?cs if:Page.Total ?>&amp;total=<?cs var:Page.Total ?><?cs /if ?>">← <?cs var:Lang.Customers.Previous ?></a><?cs /if ?>
  <span class="page-number"><?cs var:Lang.Customers.Page ?> <?cs var:Page.Number ?></span>
  <?cs if:Page.Next ?><a rel="next" href="/admin/customers?<?cs var:Page.View ?>&amp;after=<?cs var:Page.AfterCursor ?>&amp;page=<?cs var:Page.Next ?><?cs if:Page.Total ?>&amp;total=<?cs var:Page.Total ?><?cs /if ?>"><?cs var:Lang.Customers.Next ?> →</a><?cs /if ?>
</nav>
<?cs /if ?>
<?cs /def ?>
