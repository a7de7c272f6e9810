<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.Bulk.Title ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Customers.Bulk.Title ?></h1>
  <?cs if:Page.Done ?>
  <p role="status"><?cs var:Lang.Customers.Bulk.Done[Page.Action] ?> <strong><?cs var:Page.Count ?></strong> <?cs call:plural(Page.Count, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?>.</p>
  <p><a class="button primary" href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Back ?></a></p>
  <?cs elif:Page.Count == 0 ?>
  <p class="alert"><?cs if:Page.NoneApplicable ?><?cs var:Lang.Customers.Bulk.NoneApplicable ?><?cs else ?><?cs var:Lang.Customers.Bulk.NoneChosen ?><?cs /if ?></p>
  <p><a href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Back ?></a></p>
  <?cs else ?>
  <p><?cs var:Lang.Customers.Bulk.Confirm[Page.Action] ?> <strong><?cs var:Page.Count ?></strong> <?cs call:plural(Page.Count, Lang.Customers.MatchingOne, Lang.Customers.Matching) ?><?cs var:Lang.Typo.Question ?></p>
  <ul class="names">
    <?cs each:n = Page.Names ?><li><?cs call:person_name(n.last_name, n.first_name, n.email) ?></li>
    <?cs /each ?><?cs if:Page.Others == 1 ?><li class="muted"><?cs var:Lang.Customers.Bulk.OneOther ?></li><?cs elif:Page.Others ?><li class="muted"><?cs var:Lang.Customers.Bulk.And ?> <?cs var:Page.Others ?> <?cs var:Lang.Customers.Bulk.Others ?></li><?cs /if ?>
  </ul>
  <?cs if:Page.LeftAsTheyAre ?><p class="muted"><?cs var:Page.LeftAsTheyAre ?> <?cs call:plural(Page.LeftAsTheyAre, Lang.Customers.Bulk.LeftOne, Lang.Customers.Bulk.LeftMany) ?></p><?cs /if ?>
  <?cs if:Page.Action == "delete" ?><p class="alert"><?cs call:plural(Page.Count, Lang.Customers.DeleteWarning, Lang.Customers.DeleteWarningMany) ?></p><?cs /if ?>
  <?cs if:Page.Scope == "all" ?><p class="muted"><?cs var:Lang.Customers.Job.MayChange ?></p><?cs /if ?>
  <?cs if:Page.Reason ?><p><?cs var:Lang.Customers.Reason ?><?cs var:Lang.Typo.Colon ?> <?cs var:Page.Reason ?></p><?cs /if ?>
  <?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
  <form method="post" action="/admin/customers/bulk" class="actions">
    <?cs if:Page.TypeCount ?><label for="bulk-typed" class="wide-input"><?cs var:Lang.Customers.Bulk.TypeCount ?> (<?cs var:Page.Count ?>)</label>
    <input id="bulk-typed" class="wide-input" name="typed" type="text" inputmode="numeric" autocomplete="off" required<?cs if:Page.Message ?> aria-invalid="true"<?cs /if ?>><?cs /if ?>
    <?cs if:Page.NeedReason ?><label for="bulk-reason" class="visually-hidden"><?cs var:Lang.Customers.Reason ?></label>
    <input id="bulk-reason" class="wide-input" name="reason" type="text" maxlength="500" required placeholder="<?cs var:Lang.Customers.ReasonPlaceholder ?>"><?cs /if ?>
    <?cs call:csrf_field() ?>
    <input type="hidden" name="action" value="<?cs var:Page.Action ?>">
    <input type="hidden" name="scope" value="<?cs var:Page.Scope ?>">
    <input type="hidden" name="confirm" value="1">
    <?cs if:Page.Reason ?><input type="hidden" name="reason" value="<?cs var:Page.Reason ?>"><?cs /if ?>
    <?cs each:i = Page.Ids ?><input type="hidden" name="id" value="<?cs var:i ?>"><?cs /each ?>
    <?cs each:f = Page.Filter ?><?cs if:f ?><input type="hidden" name="<?cs name:f ?>" value="<?cs var:f ?>"><?cs /if ?><?cs /each ?>
    <button type="submit" class="<?cs if:Page.Action == "delete" ?>danger<?cs else ?>primary<?cs /if ?>"><?cs var:Lang.Customers.Bulk.Do[Page.Action] ?></button>
    <a href="/admin/customers?<?cs var:Page.Filters ?>"><?cs var:Lang.Customers.Cancel ?></a>
  </form>
  <?cs /if ?>
</section>
<?cs /def ?>
