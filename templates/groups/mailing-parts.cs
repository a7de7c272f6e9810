<?cs include:"mail/mailing-body.cs" ?><?cs
# What the mailing pages share: the mail as the customer sees it (the
# compose page's preview, a sent mailing's page) and the choice of whom a
# new mailing goes to (the mailings page, a sent mailing's page). ?><?cs

# The mail of Page.Preview (Subject, Body, Text) as it leaves, for kind
# ("marketing" ends with the unsubscribe link). ?><?cs
def:mail_preview(kind) ?>
  <dl class="mail-preview-head">
    <dt><?cs var:Lang.Mailing.From ?></dt><dd><?cs var:Shop.Name ?></dd>
    <dt><?cs var:Lang.Mailing.Subject ?></dt><dd class="mail-preview-subject"><?cs var:Page.Preview.Subject ?></dd>
  </dl>
  <div class="mail-preview" lang="<?cs var:Page.Lang ?>">
    <div class="mail-preview-card">
      <div class="mail-preview-shop"><?cs var:Shop.Name ?></div>
      <div class="mail-preview-body"><?cs call:mailing_paragraphs(Page.Preview.Body, 0) ?>
        <p><?cs var:Shop.Name ?></p>
      </div>
    </div>
    <p class="mail-preview-foot"><?cs var:Lang.Mail.Footer ?> <?cs var:Lang.Mailing.PreviewRecipient ?></p><?cs if:kind != "system" ?>
    <p class="mail-preview-foot"><?cs var:Lang.Unsubscribe.Mail.FooterHtml ?> <span class="mail-preview-link"><?cs var:Lang.Unsubscribe.Mail.Link ?></span></p><?cs else ?>
    <p class="mail-preview-foot"><?cs var:Lang.Mail.SystemWhy ?></p><?cs /if ?>
  </div>
  <details class="mail-preview-text">
    <summary><?cs var:Lang.Mailing.PreviewText ?></summary>
    <pre><?cs var:Page.Preview.Text ?>

<?cs var:Shop.Name ?>

--
<?cs if:kind != "system" ?><?cs var:Lang.Unsubscribe.Mail.Footer ?>
<?cs var:Lang.Mailing.PreviewLink ?><?cs else ?><?cs var:Lang.Mail.SystemWhy ?><?cs /if ?></pre>
  </details><?cs
/def ?><?cs

# A select named target of the built-in segments and Page.Targets, grouped
# by kind; selected is chosen first. ?><?cs
def:mailing_target_select(id, selected) ?>
    <select id="<?cs var:id ?>" name="target">
      <optgroup label="<?cs var:Lang.Mailing.Builtins ?>">
        <option value="builtin:new"<?cs if:selected == "builtin:new" ?> selected<?cs /if ?>><?cs var:Lang.Mailing.BuiltinNew ?></option>
        <option value="builtin:returning"<?cs if:selected == "builtin:returning" ?> selected<?cs /if ?>><?cs var:Lang.Mailing.BuiltinReturning ?></option>
      </optgroup><?cs each:kind = Lang.Mailing.TargetGroups ?><?cs set:any = 0 ?><?cs each:t = Page.Targets ?><?cs if:t.kind == name(kind) ?><?cs set:any = 1 ?><?cs /if ?><?cs /each ?><?cs if:any ?>
      <optgroup label="<?cs var:kind ?>"><?cs each:t = Page.Targets ?><?cs if:t.kind == name(kind) ?>
        <option value="<?cs var:t.value ?>"<?cs if:t.value == selected ?> selected<?cs /if ?>><?cs var:t.name ?></option><?cs /if ?><?cs /each ?>
      </optgroup><?cs /if ?><?cs /each ?>
    </select><?cs
/def ?>
