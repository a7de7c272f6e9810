<?cs include:"macros.cs" ?><?cs include:"groups/mailing-parts.cs" ?><?cs set:Page.Title = Lang.Mailing.ListTitle ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Mailing.ListTitle ?></h1>
</div>
<?cs if:Admin.IsOwner == "1" ?>
<section class="card form-card">
  <h2><?cs var:Lang.Mailing.New ?></h2>
  <form method="get" action="/admin/segments/mail" class="form">
    <label for="target"><?cs var:Lang.Mailing.To ?></label>
<?cs call:mailing_target_select("target", "") ?>
    <div class="actions"><button type="submit" class="primary"><?cs var:Lang.Mailing.Write ?></button></div>
  </form>
</section>
<?cs /if ?>
<section class="mailings-list">
<h2 id="mailings-title"><?cs var:Lang.Mailing.Sent ?></h2>
<?cs if:Page.Count == 0 ?>
<p class="empty"><?cs var:Lang.Mailing.None ?></p>
<?cs else ?>
<div class="table-wrap phone-cards">
<table class="list mailings phone-cards">
  <thead><tr>
    <th scope="col"><?cs var:Lang.Mailing.Date ?></th>
    <th scope="col"><?cs var:Lang.Mailing.Subject ?></th>
    <th scope="col"><?cs var:Lang.Mailing.ToColumn ?></th>
    <th scope="col"><?cs var:Lang.Mailing.Kind ?></th>
    <th scope="col"><?cs var:Lang.Mailing.State ?></th>
    <th scope="col" class="num"><?cs var:Lang.Mailing.Queued ?></th>
    <th scope="col" class="num"><?cs var:Lang.Mailing.SentCount ?></th>
    <th scope="col" class="num"><?cs var:Lang.Mailing.Failed ?></th>
  </tr></thead>
  <tbody>
  <?cs each:m = Page.Mailings ?>
  <tr id="mailing-<?cs var:m.id ?>">
    <td data-label="<?cs var:Lang.Mailing.Date ?>"><?cs var:m.created ?></td>
    <td class="mailing-subject" data-label="<?cs var:Lang.Mailing.Subject ?>"><span><a href="/admin/segments/mailings/<?cs var:m.id ?>"><?cs var:m.subject ?></a><?cs if:m.admin ?><br><span class="muted"><?cs var:m.admin ?></span><?cs /if ?></span></td>
    <td data-label="<?cs var:Lang.Mailing.ToColumn ?>"><?cs var:Lang.Mailing.Target[m.target_kind] ?> <?cs var:Lang.Typo.Open ?><?cs var:m.target_label ?><?cs var:Lang.Typo.Close ?></td>
    <td data-label="<?cs var:Lang.Mailing.Kind ?>"><?cs var:Lang.Mailing.Kinds[m.kind] ?></td>
    <td data-label="<?cs var:Lang.Mailing.State ?>"><?cs if:m.state == "sent" && m.queued != "0" ?><?cs var:Lang.Mailing.States.sending ?><?cs else ?><?cs var:Lang.Mailing.States[m.state] ?><?cs /if ?></td>
    <td class="num" data-label="<?cs var:Lang.Mailing.Queued ?>" data-count="queued"><?cs var:m.queued ?></td>
    <td class="num" data-label="<?cs var:Lang.Mailing.SentCount ?>" data-count="sent"><?cs var:m.sent ?></td>
    <td class="num" data-label="<?cs var:Lang.Mailing.Failed ?>" data-count="failed"><?cs var:m.failed ?></td>
  </tr>
  <?cs /each ?>
  </tbody>
</table>
</div>
<?cs /if ?>
</section>
<?cs /def ?>
