<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Customers.NoteDeleteTitle ?><?cs set:Page.Section = "customers" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Customers.NoteDeleteTitle ?></h1>
  <blockquote class="note-body"><?cs var:Page.Note.body ?></blockquote>
  <p class="muted"><?cs var:Page.Note.created_at ?></p>
  <form method="post" action="/admin/customers/<?cs var:Page.Id ?>/notes/<?cs var:Page.NoteId ?>/delete" class="actions">
    <?cs call:csrf_field() ?>
    <?cs if:Page.Back ?><input type="hidden" name="back" value="<?cs var:Page.Back ?>"><?cs /if ?>
    <button type="submit" class="danger"><?cs var:Lang.Customers.NoteDeleteConfirm ?></button>
    <a href="/admin/customers/<?cs var:Page.Id ?><?cs if:Page.BackParam ?>?back=<?cs var:Page.BackParam ?><?cs /if ?>"><?cs var:Lang.Customers.Cancel ?></a>
  </form>
</section>
<?cs /def ?>
