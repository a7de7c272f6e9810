<?cs # the shop's groups in the new and edit customer forms (the customer
  writer's forms; lib/grouping.c saves them) ?><?cs if:subcount(Page.AllGroups) > 0 ?>
    <fieldset class="choices group-choices">
      <legend><?cs var:Lang.Groups.Customer.Groups ?></legend>
      <input type="hidden" name="groups_shown" value="1">
      <?cs each:g = Page.AllGroups ?><label class="check"><input type="checkbox" name="group" value="<?cs var:g.id ?>"<?cs if:g.member == "1" ?> checked<?cs /if ?>> <?cs var:g.name ?></label>
      <?cs /each ?>
    </fieldset><?cs /if ?>
