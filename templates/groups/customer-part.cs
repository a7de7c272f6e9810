<?cs # a customer's groups and tags (groups.fcgi changes them), on the
  customer's page ?>
<section class="card grouping" id="groups">
  <h2><?cs var:Lang.Groups.Customer.Title ?></h2>
  <div class="two">
    <div>
      <h3><?cs var:Lang.Groups.Customer.Groups ?></h3>
      <?cs if:subcount(Page.AllGroups) == 0 ?>
      <p class="muted"><?cs var:Lang.Groups.Customer.NoGroups ?> <a href="/admin/groups"><?cs var:Lang.Groups.Customer.Manage ?></a></p>
      <?cs else ?>
      <form method="post" action="/admin/groups/customer/<?cs var:Customer.id ?>" class="form">
        <?cs call:csrf_field() ?>
        <fieldset class="choices group-choices"><legend class="visually-hidden"><?cs var:Lang.Groups.Customer.Groups ?></legend>
        <?cs each:g = Page.AllGroups ?><label class="check"><input type="checkbox" name="group" value="<?cs var:g.id ?>"<?cs if:g.member == "1" ?> checked<?cs /if ?>> <?cs var:g.name ?></label>
        <?cs /each ?></fieldset>
        <button type="submit"><?cs var:Lang.Groups.Customer.SaveGroups ?></button>
      </form>
      <?cs /if ?>
    </div>
    <div>
      <h3><?cs var:Lang.Groups.Customer.Tags ?></h3>
      <?cs if:subcount(Customer.Tags) == 0 ?><p class="muted"><?cs var:Lang.Groups.Customer.NoTags ?></p><?cs else ?>
      <ul class="tags">
        <?cs each:t = Customer.Tags ?><li><form method="post" action="/admin/tags/customer/<?cs var:Customer.id ?>/remove" class="tag-form"><?cs call:csrf_field() ?><input type="hidden" name="tag" value="<?cs var:t.id ?>"><span class="tag"><?cs var:t.name ?></span><button type="submit" class="tag-remove" aria-label="<?cs var:Lang.Groups.Customer.RemoveTag ?> <?cs var:t.name ?>" title="<?cs var:Lang.Groups.Customer.RemoveTag ?>">×</button></form></li>
        <?cs /each ?>
      </ul>
      <?cs /if ?>
      <form method="post" action="/admin/tags/customer/<?cs var:Customer.id ?>" class="inline-form">
        <?cs call:csrf_field() ?>
        <label for="new-tag" class="visually-hidden"><?cs var:Lang.Groups.Customer.NewTag ?></label>
        <input id="new-tag" name="tag" type="text" maxlength="50" required list="tag-names" autocomplete="off" placeholder="<?cs var:Lang.Groups.Customer.NewTag ?>"<?cs if:Page.NewTag ?> value="<?cs var:Page.NewTag ?>"<?cs /if ?><?cs if:Page.TagMessage ?> aria-invalid="true" aria-describedby="new-tag-error"<?cs /if ?>>
        <datalist id="tag-names"><?cs each:n = Page.TagNames ?><option value="<?cs var:n ?>"><?cs /each ?></datalist>
        <button type="submit"><?cs var:Lang.Groups.Customer.AddTag ?></button>
      </form>
      <?cs if:Page.TagMessage ?><p class="field-error" id="new-tag-error" role="alert"><?cs var:Page.TagMessage ?></p><?cs /if ?>
    </div>
  </div>
</section>
