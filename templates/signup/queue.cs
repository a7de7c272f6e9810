<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.Queue.Title ?><?cs set:Page.Section = "signup" ?><?cs def:content() ?>
<p class="crumbs"><a href="/admin/signup"><?cs var:Lang.Signup.Queue.Back ?></a></p>
<div class="page-head">
  <h1><?cs var:Lang.Signup.Queue.Title ?></h1>
</div>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<dl class="facts queue-counts">
  <dt><?cs var:Lang.Signup.Queue.Waiting ?></dt><dd id="count-waiting"><?cs var:Page.Counts.waiting ?></dd>
  <dt><?cs var:Lang.Signup.Queue.Accepted ?></dt><dd id="count-accepted"><?cs var:Page.Counts.accepted ?></dd>
  <dt><?cs var:Lang.Signup.Queue.Refused ?></dt><dd id="count-refused"><?cs var:Page.Counts.refused ?></dd>
  <dt><?cs var:Lang.Signup.Queue.Unconfirmed ?></dt><dd id="count-unconfirmed"><?cs var:Page.Counts.unconfirmed ?></dd>
  <?cs if:Page.Capacity ?><dt><?cs var:Lang.Signup.Queue.Capacity ?></dt><dd><?cs var:Page.Current ?> / <?cs var:Page.Capacity ?></dd><?cs /if ?>
</dl>
<?cs if:subcount(Queue) == 0 ?>
<p class="empty"><?cs var:Lang.Signup.Queue.Empty ?></p>
<?cs else ?>
<form method="post" action="/admin/signup/queue" id="queue-form">
  <?cs call:csrf_field() ?>
  <div class="table-wrap">
  <table class="list queue">
    <thead><tr><th class="tick"><span class="visually-hidden"><?cs var:Lang.Signup.Queue.Tick ?></span></th><th><?cs var:Lang.Signup.Queue.Who ?></th><th><?cs var:Lang.Signup.Queue.Message ?></th><th><?cs var:Lang.Signup.Queue.Since ?></th><th><?cs var:Lang.Signup.Queue.Decide ?></th></tr></thead>
    <tbody>
    <?cs each:r = Queue ?><tr>
      <td class="tick"><input type="checkbox" name="id" value="<?cs var:r.id ?>" aria-label="<?cs call:name_text(r.last_name, r.first_name, r.email) ?>"></td>
      <td class="name"><?cs call:person_name(r.last_name, r.first_name, "—") ?><span class="sub"><?cs call:email_text(r.email) ?></span><?cs if:r.phone ?><span class="sub"><?cs var:r.phone ?></span><?cs /if ?></td>
      <td class="applicant-message"><?cs var:r.message ?></td>
      <td class="nowrap"><?cs var:r.when ?></td>
      <td class="row-actions"><button type="submit" form="decide-<?cs var:r.id ?>" name="action" value="accept"><?cs var:Lang.Signup.Queue.Accept ?></button> <button type="submit" form="decide-<?cs var:r.id ?>" name="action" value="refuse" class="link"><?cs var:Lang.Signup.Queue.Refuse ?></button></td>
    </tr><?cs /each ?>
    </tbody>
  </table>
  </div>
  <div class="queue-bar">
    <p class="muted"><?cs var:Lang.Signup.Queue.TickedHelp ?></p>
    <label for="reason"><?cs var:Lang.Signup.Queue.Reason ?></label>
    <input id="reason" name="reason" type="text" maxlength="500">
    <div class="actions">
      <button type="submit" name="action" value="accept" class="primary"><?cs var:Lang.Signup.Queue.AcceptTicked ?></button>
      <button type="submit" name="action" value="refuse"><?cs var:Lang.Signup.Queue.RefuseTicked ?></button>
    </div>
  </div>
</form>
<?cs each:r = Queue ?><form method="post" action="/admin/signup/queue" id="decide-<?cs var:r.id ?>" hidden><?cs call:csrf_field() ?><input type="hidden" name="id" value="<?cs var:r.id ?>"></form>
<?cs /each ?>
<?cs /if ?>
<?cs /def ?>
