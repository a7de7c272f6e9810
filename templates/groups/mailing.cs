<?cs include:"macros.cs" ?><?cs include:"groups/mailing-parts.cs" ?><?cs set:Page.Title = Page.Mailing.subject ?><?cs def:content() ?><?cs with:m = Page.Mailing ?>
<div class="page-head">
  <h1><?cs var:m.subject ?></h1>
  <a href="/admin/segments/mailings"><?cs var:Lang.Mailing.AllMailings ?></a>
</div>
<div class="mailing-compose">
<section class="card mailing-facts">
  <dl class="facts">
    <dt><?cs var:Lang.Mailing.SentOn ?></dt><dd><?cs var:m.created ?></dd><?cs if:m.admin ?>
    <dt><?cs var:Lang.Mailing.By ?></dt><dd><?cs var:m.admin ?></dd><?cs /if ?>
    <dt><?cs var:Lang.Mailing.ToColumn ?></dt><dd><?cs var:Lang.Mailing.Target[m.target_kind] ?> <?cs var:Lang.Typo.Open ?><?cs var:m.target_label ?><?cs var:Lang.Typo.Close ?></dd>
    <dt><?cs var:Lang.Mailing.Kind ?></dt><dd><?cs var:Lang.Mailing.Kinds[m.kind] ?></dd>
    <dt><?cs var:Lang.Mailing.State ?></dt><dd id="state"><?cs if:m.state == "sent" && m.queued != "0" ?><?cs var:Lang.Mailing.States.sending ?><?cs else ?><?cs var:Lang.Mailing.States[m.state] ?><?cs /if ?></dd>
    <dt><?cs var:Lang.Mailing.Recipients ?></dt><dd data-count="recipients"><?cs var:m.recipients ?></dd>
    <dt><?cs var:Lang.Mailing.Queued ?></dt><dd data-count="queued"><?cs var:m.queued ?></dd>
    <dt><?cs var:Lang.Mailing.SentCount ?></dt><dd data-count="sent"><?cs var:m.sent ?></dd>
    <dt><?cs var:Lang.Mailing.Failed ?></dt><dd data-count="failed"><?cs var:m.failed ?></dd>
  </dl><?cs if:Admin.IsOwner == "1" ?>
  <form method="get" action="/admin/segments/mail" class="form mailing-reuse">
    <h2><?cs var:Lang.Mailing.Reuse ?></h2>
    <p class="muted" id="reuse-help"><?cs var:Lang.Mailing.ReuseHelp ?></p>
    <input type="hidden" name="from" value="<?cs var:m.id ?>">
    <label for="reuse-target"><?cs var:Lang.Mailing.ReuseTo ?></label>
    <?cs call:mailing_target_select("reuse-target", m.target) ?>
    <div class="actions"><button type="submit" aria-describedby="reuse-help"><?cs var:Lang.Mailing.ReuseButton ?></button></div>
  </form><?cs /if ?>
</section>
<section class="card mailing-preview-card" aria-labelledby="text-title">
  <h2 id="text-title"><?cs var:Lang.Mailing.SentText ?></h2>
  <?cs call:mail_preview(m.kind) ?>
</section>
</div><?cs /with ?>
<?cs /def ?>
