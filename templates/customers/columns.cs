<?cs
# The customer list's parts of issue 16 (included by customers/list.cs):
# the group and tag filters, the column chooser, the "save this view" form
# and the table of the columns an admin chose. The list as it opens (the
# default columns) keeps its own table in list.cs. ?><?cs
def:slice_filters() ?>
    <label><?cs var:Lang.Segments.Filter.Group ?>
      <select name="group">
        <option value=""><?cs var:Lang.Customers.Any ?></option>
        <?cs each:o = Page.GroupOptions ?><option value="<?cs var:o.id ?>"<?cs if:o.selected ?> selected<?cs /if ?>><?cs var:o.name ?></option><?cs /each ?>
      </select></label>
    <label><?cs var:Lang.Segments.Filter.Tag ?>
      <select name="tag">
        <option value=""><?cs var:Lang.Customers.Any ?></option>
        <?cs each:o = Page.TagOptions ?><option value="<?cs var:o.id ?>"<?cs if:o.selected ?> selected<?cs /if ?>><?cs var:o.name ?></option><?cs /each ?>
      </select></label>
    <label><?cs var:Lang.Segments.Filter.FirstDays ?>
      <input type="number" min="1" max="3650" name="first_days" value="<?cs var:Page.Filter.first_days ?>"></label><?cs
/def ?><?cs
def:yes_no_mark(value) ?><?cs if:value == "1" ?><span class="mark mark-yes" aria-hidden="true">✓</span><span class="visually-hidden"><?cs var:Lang.Segments.Columns.Yes ?></span><?cs else ?><span class="mark mark-no" aria-hidden="true">–</span><span class="visually-hidden"><?cs var:Lang.Segments.Columns.No ?></span><?cs /if ?><?cs
/def ?><?cs
def:names_cell(names) ?><?cs each:n = names ?><span class="chip"><?cs var:n ?></span> <?cs /each ?><?cs
/def ?><?cs
def:list_tools() ?>
<?cs if:Page.SliceMissing ?><p class="alert" role="alert"><?cs var:Lang.Segments.Filter.Missing ?></p><?cs /if ?>
<div class="list-tools">
<details class="columns-choice">
  <summary><?cs var:Lang.Segments.Columns.Choose ?></summary>
  <form method="post" action="/admin/customers/columns">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="back" value="/admin/customers?<?cs var:Page.View ?>">
    <fieldset><legend><?cs var:Lang.Segments.Columns.Legend ?></legend>
    <?cs each:c = Lang.Segments.Columns.Name ?><label class="check"><input type="checkbox" name="col_<?cs name:c ?>" value="1"<?cs if:Page.Col[name(c)] ?> checked<?cs /if ?>> <?cs var:c ?></label>
    <?cs /each ?></fieldset>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Segments.Columns.Save ?></button> <button type="submit" name="reset" value="1"><?cs var:Lang.Segments.Columns.Default ?></button></div>
  </form>
</details>
<details class="save-view">
  <summary><?cs var:Lang.Segments.SaveView.Summary ?></summary>
  <form method="post" action="/admin/segments">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="view" value="<?cs var:Page.Filters ?>sort=<?cs var:Page.Sort ?>&amp;dir=<?cs var:Page.Dir ?>">
    <label><?cs var:Lang.Segments.SaveView.Name ?> <input type="text" name="name" required maxlength="100"></label>
    <button type="submit"><?cs var:Lang.Segments.SaveView.Save ?></button>
    <a href="/admin/segments"><?cs var:Lang.Segments.SaveView.All ?></a>
  </form>
</details>
<a class="list-tools-link" href="/admin/customers/jobs"><?cs var:Lang.Customers.Jobs.Link ?></a>
</div><?cs
/def ?><?cs
def:chosen_head() ?>
    <th scope="col" class="tick"><span class="visually-hidden"><?cs var:Lang.Customers.Bulk.Tick ?></span><input type="checkbox" id="tick-all" hidden aria-label="<?cs var:Lang.Customers.Bulk.TickAll ?>"></th>
    <?cs call:sort_link("name", Lang.Customers.NameOrder) ?>
    <?cs each:c = Lang.Segments.Columns.Name ?><?cs if:Page.Col[name(c)] ?><?cs
      if:name(c) == "email" || name(c) == "orders" || name(c) == "spent" || name(c) == "last_order" || name(c) == "created" ?><?cs call:sort_link(name(c), c) ?><?cs
      else ?><th scope="col"><?cs var:c ?></th><?cs /if ?><?cs /if ?><?cs /each ?><?cs
/def ?><?cs
def:chosen_cell(c, col) ?><?cs
  if:col == "email" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="email"><?cs call:email_text(c.email) ?></td><?cs
  elif:col == "phone" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="nowrap"><?cs var:c.phone ?></td><?cs
  elif:col == "status" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>"><span class="status status-<?cs var:c.status ?>"><?cs var:Lang.Status[c.status] ?></span></td><?cs
  elif:col == "orders" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="num"><?cs var:c.orders ?></td><?cs
  elif:col == "spent" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="num nowrap"><?cs var:c.spent ?></td><?cs
  elif:col == "last_order" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="nowrap"><?cs var:c.last_order ?></td><?cs
  elif:col == "created" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="nowrap"><?cs var:c.created ?></td><?cs
  elif:col == "country" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>"><?cs var:c.country ?></td><?cs
  elif:col == "source" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>"><?cs var:Lang.Source[c.source] ?></td><?cs
  elif:col == "marketing" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="col-marketing"><?cs call:yes_no_mark(c.marketing) ?></td><?cs
  elif:col == "system_mail" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="col-system-mail"><?cs call:yes_no_mark(c.system_mail) ?></td><?cs
  elif:col == "tax_exempt" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="col-tax-exempt"><?cs if:c.tax_exempt == "1" ?><?cs var:Lang.Segments.Columns.Exempt ?><?cs else ?><span aria-hidden="true">—</span><span class="visually-hidden"><?cs var:Lang.Segments.Columns.NotExempt ?></span><?cs /if ?></td><?cs
  elif:col == "groups" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="col-groups"><?cs call:names_cell(c.groups) ?></td><?cs
  elif:col == "tags" ?><td data-label="<?cs var:Lang.Segments.Columns.Name[col] ?>" class="col-tags"><?cs call:names_cell(c.tags) ?></td><?cs
  /if ?><?cs
/def ?><?cs
def:chosen_rows() ?><?cs each:c = Customers ?><tr><td class="tick"><input type="checkbox" name="id" value="<?cs var:c.id ?>" aria-label="<?cs var:c.label ?>"></td><td class="name"><a href="/admin/customers/<?cs var:c.id ?><?cs var:Page.RowBack ?>"><?cs call:person_name(c.last_name, c.first_name, "—") ?></a></td><?cs each:col = Lang.Segments.Columns.Name ?><?cs if:Page.Col[name(col)] ?><?cs call:chosen_cell(c, name(col)) ?><?cs /if ?><?cs /each ?></tr>
<?cs /each ?><?cs
/def ?>
