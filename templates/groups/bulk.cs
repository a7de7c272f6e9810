<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Groups.Bulk.Title ?><?cs set:Page.Section = "customers" ?><?cs def:carry() ?>
    <?cs call:csrf_field() ?>
    <input type="hidden" name="scope" value="<?cs var:Page.Scope ?>">
    <?cs each:i = Page.Ids ?><input type="hidden" name="id" value="<?cs var:i ?>"><?cs /each ?>
    <?cs each:f = Page.Filter ?><?cs if:f ?><input type="hidden" name="<?cs name:f ?>" value="<?cs var:f ?>"><?cs /if ?><?cs /each ?><?cs /def ?><?cs def:names() ?>
  <ul class="names">
    <?cs each:n = Page.Names ?><li><?cs call:person_name(n.last_name, n.first_name, n.email) ?></li>
    <?cs /each ?><?cs if:Page.Others == 1 ?><li class="muted"><?cs var:Lang.Customers.Bulk.OneOther ?></li><?cs elif:Page.Others ?><li class="muted"><?cs var:Lang.Customers.Bulk.And ?> <?cs var:Page.Others ?> <?cs var:Lang.Customers.Bulk.Others ?></li><?cs /if ?>
  </ul><?cs /def ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Groups.Bulk.Title ?></h1>
  <?cs if:Page.Done ?>
  <p role="status"><?cs var:Lang.Groups.Bulk.Done[Page.Op] ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.TargetName ?><?cs var:Lang.Typo.Close ?><?cs var:Lang.Typo.Colon ?> <strong><?cs var:Page.Count ?></strong> <?cs call:plural(Page.Count, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?>.</p>
  <p><a class="button primary" href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Back ?></a></p>
  <?cs elif:Page.Chosen == 0 ?>
  <p class="alert"><?cs var:Lang.Customers.Bulk.NoneChosen ?></p>
  <p><a href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Back ?></a></p>
  <?cs elif:Page.Confirming && Page.Count == 0 ?>
  <p class="alert"><?cs var:Lang.Groups.Bulk.NoneApplicable[Page.Op] ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.TargetName ?><?cs var:Lang.Typo.Close ?>.</p>
  <p><a href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Back ?></a></p>
  <?cs elif:Page.Confirming ?>
  <p><?cs var:Lang.Groups.Bulk.Confirm[Page.Op] ?> <?cs var:Lang.Typo.Open ?><?cs var:Page.TargetName ?><?cs var:Lang.Typo.Close ?><?cs var:Lang.Typo.Colon ?> <strong><?cs var:Page.Count ?></strong> <?cs call:plural(Page.Count, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?><?cs var:Lang.Typo.Question ?></p>
  <?cs call:names() ?>
  <?cs if:Page.LeftAsTheyAre ?><p class="muted"><?cs var:Page.LeftAsTheyAre ?> <?cs call:plural(Page.LeftAsTheyAre, Lang.Customers.Bulk.LeftOne, Lang.Customers.Bulk.LeftMany) ?></p><?cs /if ?>
  <?cs if:Page.Scope == "all" ?><p class="muted"><?cs var:Lang.Customers.Job.MayChange ?></p><?cs /if ?>
  <form method="post" action="/admin/groups/bulk" class="actions">
    <?cs call:carry() ?>
    <input type="hidden" name="op" value="<?cs var:Page.Op ?>">
    <?cs if:Page.Group ?><input type="hidden" name="to_group" value="<?cs var:Page.Group ?>"><?cs /if ?>
    <?cs if:Page.Tag ?><input type="hidden" name="to_tag" value="<?cs var:Page.Tag ?>"><?cs /if ?>
    <input type="hidden" name="confirm" value="1">
    <button type="submit" class="primary"><?cs var:Lang.Groups.Bulk.Do[Page.Op] ?></button>
    <a href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Cancel ?></a>
  </form>
  <?cs else ?>
  <p><strong><?cs var:Page.Chosen ?></strong> <?cs call:plural(Page.Chosen, Lang.Groups.Bulk.ChosenOne, Lang.Groups.Bulk.ChosenMany) ?></p>
  <?cs call:names() ?>
  <?cs if:Page.Message ?><p class="alert" role="alert" id="bulk-message"><?cs var:Page.Message ?></p><?cs /if ?>
  <?cs if:subcount(Page.AllGroups) > 0 ?>
  <form method="post" action="/admin/groups/bulk" class="form bulk-grouping">
    <h2><?cs var:Lang.Groups.Title ?></h2>
    <?cs call:carry() ?>
    <label for="bulk-group"><?cs var:Lang.Groups.Name ?></label>
    <select id="bulk-group" name="to_group"><?cs each:g = Page.AllGroups ?><option value="<?cs var:g.id ?>"><?cs var:g.name ?></option><?cs /each ?></select>
    <div class="actions">
      <button type="submit" name="op" value="group_add" class="primary"><?cs var:Lang.Groups.Bulk.Choose.GroupAdd ?></button>
      <button type="submit" name="op" value="group_remove"><?cs var:Lang.Groups.Bulk.Choose.GroupRemove ?></button>
    </div>
  </form>
  <?cs else ?>
  <p class="muted"><?cs var:Lang.Groups.None ?> <a href="/admin/groups"><?cs var:Lang.Groups.Title ?></a></p>
  <?cs /if ?>
  <form method="post" action="/admin/groups/bulk" class="form bulk-grouping">
    <h2><?cs var:Lang.Tags.Title ?></h2>
    <?cs call:carry() ?>
    <label for="bulk-tag"><?cs var:Lang.Tags.Name ?></label>
    <input id="bulk-tag" name="to_tag" type="text" maxlength="50" required list="tag-names" autocomplete="off" value="<?cs var:Page.TypedTag ?>">
    <datalist id="tag-names"><?cs each:t = Page.TagNames ?><option value="<?cs var:t ?>"><?cs /each ?></datalist>
    <div class="actions">
      <button type="submit" name="op" value="tag_add" class="primary"><?cs var:Lang.Groups.Bulk.Choose.TagAdd ?></button>
      <button type="submit" name="op" value="tag_remove"><?cs var:Lang.Groups.Bulk.Choose.TagRemove ?></button>
    </div>
  </form>
  <p><a href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Cancel ?></a></p>
  <?cs /if ?>
</section>
<?cs /def ?>
