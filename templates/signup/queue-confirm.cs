<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.Queue.OverTitle ?><?cs set:Page.Section = "signup" ?><?cs def:content() ?>
<section class="card narrow">
  <h1><?cs var:Lang.Signup.Queue.OverTitle ?></h1>
  <p><?cs var:Lang.Signup.Queue.OverText1 ?> <strong><?cs var:Page.Count ?></strong> <?cs var:Lang.Signup.Queue.OverText2 ?> <strong><?cs var:Page.After ?></strong> <?cs var:Lang.Signup.Queue.OverText3 ?> <strong><?cs var:Page.Capacity ?></strong>.</p>
  <form method="post" action="/admin/signup/queue" class="form">
    <?cs call:csrf_field() ?>
    <?cs each:i = Page.Ids ?><input type="hidden" name="id" value="<?cs var:i ?>"><?cs /each ?>
    <input type="hidden" name="confirm" value="1">
    <div class="actions">
      <button type="submit" name="action" value="accept" class="primary"><?cs var:Lang.Signup.Queue.OverSubmit ?></button>
      <a href="/admin/signup/queue"><?cs var:Lang.Signup.Queue.OverCancel ?></a>
    </div>
  </form>
</section>
<?cs /def ?>
