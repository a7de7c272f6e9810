<?cs # The admin pages' navigation bar, written where layout.cs writes
  Page.Nav. Rendered once per process for each language (Lang, Site),
  section (Page.Section, as the page set it) and role (Admin.IsOwner), and
  kept (fcgi/lib/page.c, nav_write): it must read nothing else. ?><nav class="mainnav" aria-label="<?cs var:Lang.Nav.Label ?>">
    <?cs each:item = Site.Nav ?><?cs if:!item.OwnerOnly || Admin.IsOwner == "1" ?><a href="<?cs var:item.Path ?>"<?cs if:Page.Section == item.Section ?> aria-current="page"<?cs /if ?>><?cs var:item.Label ?></a>
    <?cs /if ?><?cs /each ?>
  </nav>