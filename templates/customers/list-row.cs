<?cs # One customer's line of the list (customers/list.cs inserts the page's
  lines in its table). Written for each row by fcgi/lib/row_template.c,
  which reads only var:, if:, if:! and /if of the row's values (c.*) and the
  page's (Page.*), escaped as html like every var: of our pages; rendered by
  ClearSilver the file gives the same bytes (tests/unit/test-row-template.c).
  No class but the name's: the columns are styled by their place
  (fidele.css, .customers). The name is written as macros.cs's person_name
  writes it (the same test checks that). The address may break before its
  "@" (<wbr>), not in the middle of a word. ?><tr><td class="tick"><input type="checkbox" name="id" value="<?cs var:c.id ?>" aria-label="<?cs var:c.label ?>"></td><td class="name"><a href="/admin/customers/<?cs var:c.id ?><?cs var:Page.RowBack ?>"><?cs if:c.last_name ?><span class="family-name"><?cs var:c.last_name ?></span><?cs if:c.first_name ?>, <?cs /if ?><?cs /if ?><?cs var:c.first_name ?><?cs if:!c.last_name ?><?cs if:!c.first_name ?>—<?cs /if ?><?cs /if ?></a><?cs if:c.email ?><span class="sub"><?cs var:c.email_user ?><?cs if:c.email_domain ?><wbr>@<?cs var:c.email_domain ?><?cs /if ?></span><?cs /if ?></td><td><?cs var:c.email_user ?><?cs if:c.email_domain ?><wbr>@<?cs var:c.email_domain ?><?cs /if ?></td><td><?cs var:c.phone ?></td><td><span class="status status-<?cs var:c.status ?>"><?cs var:c.status_label ?></span></td><td><?cs var:c.orders ?></td><td><?cs var:c.spent ?></td><td><?cs var:c.last_order ?></td><td><?cs var:c.created ?></td></tr>
