<?cs include:"macros.cs" ?><?cs set:Page.Title = Lang.Signup.Admin.Title ?><?cs set:Page.Section = "signup" ?><?cs def:content() ?>
<div class="page-head">
  <h1><?cs var:Lang.Signup.Admin.Title ?></h1>
  <a class="button" href="/admin/signup/queue"><?cs var:Lang.Signup.Admin.SeeQueue ?> (<?cs var:Page.Waiting ?>)</a>
</div>
<?cs if:Page.Message ?><p class="alert" role="alert"><?cs var:Page.Message ?></p><?cs /if ?>
<?cs if:Page.ReadOnly == "1" ?><p class="notice"><?cs var:Lang.Signup.Admin.ReadOnly ?></p><?cs /if ?>
<div class="grid signup-admin">
<section class="card">
  <h2><?cs var:Lang.Signup.Admin.DoorTitle ?></h2>
  <form method="post" action="/admin/signup/mode" class="form">
    <?cs call:csrf_field() ?>
    <fieldset class="choices"<?cs if:Page.ReadOnly == "1" ?> disabled<?cs /if ?>>
      <legend><?cs var:Lang.Signup.Admin.Mode ?></legend>
      <?cs each:m = Lang.Signup.Admin.Modes ?><label class="check"><input type="radio" name="mode" value="<?cs name:m ?>"<?cs if:Page.Form.mode == name(m) ?> checked<?cs /if ?>> <span><strong><?cs var:m.Name ?></strong><span class="sub"><?cs var:m.Help ?></span></span></label>
      <?cs /each ?>
      <?cs call:field_error("mode") ?>
      <label for="capacity"><?cs var:Lang.Signup.Admin.Capacity ?></label>
      <input id="capacity" name="capacity" type="number" min="1" max="1000000" inputmode="numeric" value="<?cs var:Page.Form.capacity ?>">
      <?cs call:field_error("capacity") ?>
      <p class="muted"><?cs var:Lang.Signup.Admin.CapacityHelp ?></p>
    </fieldset>
    <?cs if:Page.Form.capacity ?><p><?cs var:Lang.Signup.Admin.Current ?> <strong><?cs var:Page.Current ?> / <?cs var:Page.Form.capacity ?></strong></p><?cs /if ?>
    <?cs if:Page.Form.mode == "open" && Page.DoorNow == "waitlist" ?><p class="notice"><?cs var:Lang.Signup.Admin.Full ?></p><?cs /if ?>
    <?cs if:Page.ReadOnly != "1" ?><div class="actions"><button type="submit" class="primary"><?cs var:Lang.Signup.Admin.Save ?></button></div><?cs /if ?>
  </form>
</section>
<section class="card share">
  <h2><?cs var:Lang.Signup.Admin.ShareTitle ?></h2>
  <?cs if:Page.ShareUrl ?>
  <p><?cs var:Lang.Signup.Admin.ShareHelp ?></p>
  <p class="share-url"><a id="share-url" href="<?cs var:Page.ShareUrl ?>"><?cs var:Page.ShareUrl ?></a></p>
  <p><button type="button" class="copy" data-copy="share-url" data-copied="<?cs var:Lang.Signup.Admin.Copied ?>" hidden><?cs var:Lang.Signup.Admin.Copy ?></button></p>
  <figure class="qr">
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 <?cs var:Page.Qr.Size ?> <?cs var:Page.Qr.Size ?>" width="220" height="220" role="img" aria-labelledby="qr-caption" shape-rendering="crispEdges"><rect width="<?cs var:Page.Qr.Size ?>" height="<?cs var:Page.Qr.Size ?>" fill="#ffffff"/><path fill="#000000" d="<?cs var:Page.Qr.Path ?>"/></svg>
    <figcaption id="qr-caption" class="muted"><?cs var:Lang.Signup.Admin.QrCaption ?></figcaption>
  </figure>
  <?cs else ?>
  <p class="muted"><?cs var:Lang.Signup.Admin.NoAddress ?></p>
  <?cs /if ?>
</section>
</div>
<section class="card texts">
  <h2><?cs var:Lang.Signup.Admin.TextsTitle ?></h2>
  <p class="muted"><?cs var:Lang.Signup.Admin.TextsHelp ?></p>
  <?cs each:p = Page.Texts ?>
  <section class="text-purpose" id="text-<?cs name:p ?>" aria-labelledby="text-title-<?cs name:p ?>">
  <h3 id="text-title-<?cs name:p ?>"><?cs var:Lang.Signup.Admin.TextPurpose[name(p)].Title ?></h3>
  <p class="muted"><?cs var:Lang.Signup.Admin.TextPurpose[name(p)].Where ?></p>
  <div class="grid">
  <?cs each:t = p ?>
  <form method="post" action="/admin/signup/text" class="form">
    <?cs call:csrf_field() ?>
    <input type="hidden" name="purpose" value="<?cs name:p ?>">
    <input type="hidden" name="language" value="<?cs name:t ?>">
    <label for="body-<?cs name:p ?>-<?cs name:t ?>"><?cs var:Lang.Signup.Admin.TextLanguage[name(t)] ?></label>
    <textarea id="body-<?cs name:p ?>-<?cs name:t ?>" name="body" rows="4" maxlength="1000" required<?cs if:Page.ReadOnly == "1" ?> readonly<?cs /if ?>><?cs var:t.Body ?></textarea>
    <p class="muted"><?cs var:Lang.Signup.Admin.Version ?> <?cs var:t.Version ?><?cs if:t.At ?>, <?cs var:Lang.Signup.Admin.Since ?> <?cs var:t.At ?><?cs /if ?></p>
    <?cs if:Page.ReadOnly != "1" ?><div class="actions"><button type="submit"><?cs var:Lang.Signup.Admin.SaveText ?></button></div><?cs /if ?>
  </form>
  <?cs /each ?>
  </div>
  </section>
  <?cs /each ?>
</section>
<section class="card notify">
  <h2><?cs var:Lang.Signup.Admin.NotifyTitle ?></h2>
  <form method="post" action="/admin/signup/notify" class="form">
    <?cs call:csrf_field() ?>
    <label class="check"><input type="checkbox" name="notify_signups" value="1"<?cs if:Page.Notify.signups == "1" ?> checked<?cs /if ?>> <span><?cs var:Lang.Signup.Admin.NotifySignups ?></span></label>
    <label class="check"><input type="checkbox" name="notify_deletions" value="1"<?cs if:Page.Notify.deletions == "1" ?> checked<?cs /if ?>> <span><?cs var:Lang.Signup.Admin.NotifyDeletions ?></span></label>
    <p class="muted"><?cs var:Lang.Signup.Admin.NotifyHelp ?></p>
    <div class="actions"><button type="submit"><?cs var:Lang.Signup.Admin.SaveNotify ?></button></div>
  </form>
</section>
<?cs /def ?>
